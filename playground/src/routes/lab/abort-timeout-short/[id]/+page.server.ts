import { makeRecords, summarize } from '#lib/lab/payload.ts';

// The same listener on a deadline that passes in 50 ms: the signal aborts, and all of it is let go.
export async function load({ params }) {
	const records = makeRecords(params.id, 300);
	const signal = AbortSignal.timeout(50);
	signal.addEventListener('abort', () => summarize(records));
	return { id: params.id, count: records.length };
}
