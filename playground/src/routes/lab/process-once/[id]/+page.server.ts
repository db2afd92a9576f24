import { makeRecords, summarize } from '#lib/lab/payload.ts';

// The twin of /lab/process-listeners: the listener is added with `once` and removed when the request is done.
export async function load({ params }) {
	const records = makeRecords(params.id, 100);
	const onError = (error: Error) => {
		console.error(`while rendering ${records[0].id}:`, error);
	};
	process.once('uncaughtException', onError);
	try {
		return summarize(records);
	} finally {
		process.off('uncaughtException', onError);
	}
}
