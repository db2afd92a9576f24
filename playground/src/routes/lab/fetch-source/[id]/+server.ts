import { json } from '@sveltejs/kit';
import { makeRecords } from '#lib/lab/payload.ts';

// The upstream of the kept-fetch pair: ~20 KB of JSON per id, answered in-process through event.fetch.
export function GET({ params }) {
	return json(makeRecords(params.id, 400));
}
