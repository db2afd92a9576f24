import { makeRecords, summarize } from '#lib/lab/payload.ts';

// The article's first example: a cache with no bound and no eviction.
const globalCache: Record<string, ReturnType<typeof makeRecords>> = {};

export async function load({ params }) {
	const data = makeRecords(params.id);
	globalCache[params.id] = data;
	return summarize(data);
}
