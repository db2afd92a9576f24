import { makeRecords, summarize } from '#lib/lab/payload.ts';

// Megabytes per request, all of it garbage once the response is sent.
export async function load({ params }) {
	const records = makeRecords(params.id, 40000);
	const scratch = new Float64Array(250_000).fill(Number(params.id) || 1);
	return { ...summarize(records), scratch: scratch[0] };
}
