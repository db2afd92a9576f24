const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Timers that end: an awaited sleep, and an interval that clears itself after three ticks.
export async function load({ params }) {
	await sleep(5);
	let ticks = 0;
	const interval = setInterval(() => {
		if (++ticks === 3) clearInterval(interval);
	}, 5);
	return { id: params.id };
}
