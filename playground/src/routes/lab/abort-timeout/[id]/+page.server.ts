import { makeRecords, summarize } from '#lib/lab/payload.ts';

// A per-request deadline an hour away, with a listener: the signal's timer keeps the listener, and the
// records it closes over, for an hour. Bounded only so that load tests of the lab stay within memory.
let signals = 0;

export async function load({ params }) {
	const records = makeRecords(params.id, 300);
	if (signals++ < 2000) {
		const signal = AbortSignal.timeout(3_600_000);
		signal.addEventListener('abort', () => summarize(records));
	}
	return { id: params.id, count: records.length };
}
