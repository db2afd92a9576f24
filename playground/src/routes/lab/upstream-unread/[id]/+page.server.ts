import { upstreamUrl } from '#lib/lab/upstream.ts';

export async function load({ params }) {
	const response = await fetch(`${await upstreamUrl()}/items/${params.id}`);
	// Missing: reading the body (await response.arrayBuffer()) or response.body?.cancel(). Only the status is used.
	return { status: response.status, length: response.headers.get('content-length') };
}
