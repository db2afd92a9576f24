import { makeRecords, summarize } from '#lib/lab/payload.ts';

// The same cache as /lab/unbounded-cache, bounded: the oldest entry is evicted past 16.
const MAX_ENTRIES = 16;
const cache = new Map<string, ReturnType<typeof makeRecords>>();

export async function load({ params }) {
	let data = cache.get(params.id);
	if (data) {
		cache.delete(params.id);
	} else {
		data = makeRecords(params.id);
		if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
	}
	cache.set(params.id, data);
	return summarize(data);
}
