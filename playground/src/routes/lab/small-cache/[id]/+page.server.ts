import { makeRecords, summarize } from '#lib/lab/payload.ts';

// The same mistake as /lab/unbounded-cache, with small entries: about 4.5 KB per new id.
const byId = new Map<string, ReturnType<typeof makeRecords>>();

export async function load({ params }) {
	const data = makeRecords(params.id, 80);
	byId.set(params.id, data);
	return summarize(data);
}
