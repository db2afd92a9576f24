/** Deterministic noise for synthetic series: the same inputs give the same verdicts on every run. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state * 1664525 + 1013904223) >>> 0;
		return state / 2 ** 32;
	};
}

/** Rounds a byte count to whole samples of `interval` bytes, as V8's sampling heap profiler reports it. */
export function sampled(bytes: number, interval: number, random: () => number): number {
	const expected = bytes / interval;
	let whole = Math.floor(expected);
	if (random() < expected - whole) whole++;
	return whole * interval;
}
