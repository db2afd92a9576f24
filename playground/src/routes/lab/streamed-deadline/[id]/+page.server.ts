import { makeRecords, summarize } from '#lib/lab/payload.ts';

// Clean twin of /lab/streamed-forever: the same wait for a configuration that never arrives, with a
// deadline. Waiting by checking a flag keeps nothing registered on a promise that never settles, so
// when the deadline passes the streamed promise rejects (the page shows why) and the records go.
const config: { ready: boolean } = { ready: false };

function whenConfigured(withinMs: number): Promise<void> {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const check = setInterval(() => {
			if (config.ready) resolve();
			else if (Date.now() - started > withinMs) reject(new Error(`not configured within ${withinMs} ms`));
			else return;
			clearInterval(check);
		}, 20);
	});
}

export async function load({ params }) {
	const records = makeRecords(params.id, 300);
	return { id: params.id, later: whenConfigured(100).then(() => summarize(records)) };
}
