import { makeRecords, summarize } from '#lib/lab/payload.ts';

// A 25-entry LRU of ~20 KB values: fills, then stays flat. Its twin /lab/unbounded-20k keeps the same values forever.
const MAX_ENTRIES = 25;
const recent = new Map<string, ReturnType<typeof makeRecords>>();

export async function load({ params }) {
	let data = recent.get(params.id);
	if (data) {
		recent.delete(params.id);
	} else {
		data = makeRecords(params.id, 400);
		if (recent.size >= MAX_ENTRIES) recent.delete(recent.keys().next().value!);
	}
	recent.set(params.id, data);
	return summarize(data);
}
