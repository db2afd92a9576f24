import { makeRecords, summarize } from '#lib/lab/payload.ts';

// The values of /lab/lru-25, kept with no bound.
const byId = new Map<string, ReturnType<typeof makeRecords>>();

export async function load({ params }) {
	let data = byId.get(params.id);
	if (!data) {
		data = makeRecords(params.id, 400);
		byId.set(params.id, data);
	}
	return summarize(data);
}
