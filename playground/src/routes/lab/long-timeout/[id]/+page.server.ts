import { makeRecords } from '#lib/lab/payload.ts';

// Schedules a cleanup an hour away on every request: each timer stays alive, holding its records.
export async function load({ params }) {
	const records = makeRecords(params.id, 20);
	setTimeout(
		() => {
			records.length = 0;
		},
		60 * 60 * 1000
	);
	return { id: params.id };
}
