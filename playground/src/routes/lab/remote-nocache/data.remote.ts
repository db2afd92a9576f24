import { query } from '$app/server';
import { makeRecords } from '#lib/lab/payload.ts';

// The same remote query without the cache: its result is garbage once sent.
export const getReport = query('unchecked', async (id: string) => {
	await Promise.resolve();
	const records = makeRecords(id, 300);
	return { id, count: records.length, cached: 0 };
});
