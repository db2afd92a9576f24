import { makeRecords, summarize } from '#lib/lab/payload.ts';

// Built once, on first use, then shared: large, but it does not grow.
let table: ReturnType<typeof makeRecords> | undefined;

export async function load() {
	table ??= makeRecords('singleton', 20000);
	return summarize(table);
}
