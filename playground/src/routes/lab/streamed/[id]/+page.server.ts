import { makeRecords, summarize } from '#lib/lab/payload.ts';

// Clean: a streamed promise (the page renders, the data follows in the same response) that settles.
export async function load({ params }) {
	const later = new Promise<{ total: number }>((resolve) => setTimeout(() => resolve(summarize(makeRecords(params.id, 200))), 20));
	return { id: params.id, later };
}
