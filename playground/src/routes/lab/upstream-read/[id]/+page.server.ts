import { upstreamUrl } from '#lib/lab/upstream.ts';

export async function load({ params }) {
	const response = await fetch(`${await upstreamUrl()}/items/${params.id}`);
	const body = await response.arrayBuffer();
	return { status: response.status, length: body.byteLength };
}
