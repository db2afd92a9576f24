// A metrics counter: requests write a module-level `let`, but it counts, it holds no user's data.
let hits = 0;
let startedAt: number | undefined;

export async function load() {
	hits++;
	startedAt ??= Date.now();
	return { hits, since: startedAt };
}
