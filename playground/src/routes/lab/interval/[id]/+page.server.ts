// Polls for updates on every request and never stops: each request adds a live interval.
let polls = 0;

export async function load({ params }) {
	const snapshot = { id: params.id, seen: [] as number[] };
	setInterval(() => {
		polls++;
		snapshot.seen.length = 0;
	}, 1000);
	return { id: params.id, polls };
}
