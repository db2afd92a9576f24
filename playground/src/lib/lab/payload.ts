/**
 * Builds the data a lab route "fetches": `count` small records, about 48 bytes of heap each.
 * The leaky routes keep it; their clean look-alikes let it go.
 */
export function makeRecords(id: string, count = 2000) {
	const records = new Array(count);
	for (let i = 0; i < count; i++) records[i] = { id, index: i, score: i * 0.5 };
	return records;
}

/** A short summary, so pages never render the whole payload. */
export function summarize(records: { score: number }[]) {
	let total = 0;
	for (const record of records) total += record.score;
	return { count: records.length, total };
}
