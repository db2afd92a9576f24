import { makeRecords, summarize } from '#lib/lab/payload.ts';

// De-duplicates concurrent fetches, but never deletes a settled promise.
const pending = new Map<string, Promise<ReturnType<typeof makeRecords>>>();

export async function load({ params }) {
	let promise = pending.get(params.id);
	if (!promise) {
		promise = Promise.resolve(makeRecords(params.id));
		pending.set(params.id, promise);
	}
	return summarize(await promise);
}
