import { json } from '@sveltejs/kit';

// The same event.fetch, its body read and dropped.
export async function GET({ fetch, params }) {
	const response = await fetch(`/lab/fetch-source/${params.id}`);
	const body = await response.text();
	return json({ length: body.length, kept: 0 });
}
