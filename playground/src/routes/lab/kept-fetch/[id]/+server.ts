import { json } from '@sveltejs/kit';

// Every body read through event.fetch is kept: the string is built by undici's body reading, so no
// stack of it holds this file. Bounded only so that load tests of the lab stay within memory.
const bodies: string[] = [];
const MAX_BODIES = 2000;

export async function GET({ fetch, params }) {
	const response = await fetch(`/lab/fetch-source/${params.id}`);
	const body = await response.text();
	if (bodies.length < MAX_BODIES) bodies.push(body);
	return json({ length: body.length, kept: bodies.length });
}
