import { makeRecords, summarize } from '#lib/lab/payload.ts';

// A streamed promise that never settles: load streams a summary that waits for a module-level
// promise nothing ever resolves (a config or connection that never arrives). The page renders, the
// response stays open for the streamed data, and when the client leaves, the callback and the
// records it closes over still wait on `configured`, for every request. Bounded only so that load
// tests of the lab stay within memory. Its twin, /lab/streamed-deadline, gives up after 100 ms.
const configured = new Promise<void>(() => {});
let waiting = 0;

export async function load({ params }) {
	const records = makeRecords(params.id, 300);
	if (waiting++ >= 2000) return { id: params.id, later: Promise.resolve(summarize(records)) };
	return { id: params.id, later: configured.then(() => summarize(records)) };
}
