/**
 * The order of a batch's requests: `size` rounds, between which heapwatch takes its post-GC samples.
 * Each target gets `size` requests (in pairs of rounds: one half of the targets twice in the first, the
 * other half twice in the second, the halves drawn anew for every pair), in a new order every round.
 *
 * Why not every target once a round: the samples fall between rounds, so each interval would hold the
 * same requests of every target, and a regression on those intervals could not tell which target keeps
 * what grows. Buffers need one (no allocation sampling sees them): a route that caches what it reads
 * through a stream and its twin that drops it leave the same Buffers past a minor GC. Why a new order:
 * in a fixed one a route always followed the same routes, and what theirs freed or kept while it ran
 * read as its own (a clean twin of two Buffer leaks was called a leak at ~62 KB per request in 19 of 20
 * lab runs on Node 24).
 */
export function roundsOf<T>(targets: readonly T[], size: number): T[][] {
	const rounds: T[][] = [];
	// A lone target has no one to be told apart from.
	const pairs = targets.length < 2 ? 0 : Math.floor(size / 2);
	for (let pair = 0; pair < pairs; pair++) {
		const order = shuffled(targets);
		const half = order.slice(0, Math.ceil(order.length / 2));
		const rest = order.slice(half.length);
		rounds.push(shuffled([...half, ...half]), shuffled([...rest, ...rest]));
	}
	// An odd batch's last round, or every round of a lone target: each target once.
	while (rounds.length < size) rounds.push(shuffled(targets));
	return rounds;
}

/** A copy in random order (Fisher-Yates). */
export function shuffled<T>(items: readonly T[]): T[] {
	const copy = [...items];
	for (let i = copy.length - 1; i > 0; i--) {
		const j = Math.floor(Math.random() * (i + 1));
		[copy[i], copy[j]] = [copy[j], copy[i]];
	}
	return copy;
}
