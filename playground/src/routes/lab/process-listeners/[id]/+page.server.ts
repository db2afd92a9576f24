import { makeRecords, summarize } from '#lib/lab/payload.ts';

// kit#13443: a process listener added on every request and never removed. Each one keeps its
// request's data, and Node warns after the tenth (MaxListenersExceededWarning).
export async function load({ params }) {
	const records = makeRecords(params.id, 100);
	process.on('uncaughtException', (error) => {
		console.error(`while rendering ${records[0].id}:`, error);
	});
	return summarize(records);
}
