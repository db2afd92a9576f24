import { makeRecords, summarize } from '#lib/lab/payload.ts';

// A module-level promise that never settles, and every request chains onto it (kit#10714): each
// reaction, and the records its callback closes over, waits forever. Bounded only so that load tests
// of the lab stay within memory.
const ready = new Promise<void>(() => {});
let chained = 0;

export async function load({ params }) {
	const records = makeRecords(params.id, 300);
	if (chained++ < 2000) void ready.then(() => summarize(records));
	return { id: params.id, count: records.length };
}
