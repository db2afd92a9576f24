/**
 * Which SvelteKit route id a pathname belongs to, among the ids the server has seen. The browser has
 * no route id of its own here (the overlay lives outside the app), so this redoes Kit's matching
 * (packages/kit/src/utils/routing.js) in the small: groups, [param], [[optional]], [...rest], matchers.
 */
export function matchRouteId(pathname: string, ids: (string | null)[]): string | null {
	let best: { id: string; score: number } | null = null;
	for (const id of ids) {
		if (id === null) continue;
		const pattern = compile(id);
		if (!pattern.regex.test(pathname)) continue;
		if (!best || pattern.score > best.score) best = { id, score: pattern.score };
	}
	return best?.id ?? null;
}

const cache = new Map<string, { regex: RegExp; score: number }>();
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compile(id: string): { regex: RegExp; score: number } {
	let compiled = cache.get(id);
	if (compiled) return compiled;
	let source = '';
	let score = 0;
	for (const segment of id.split('/').filter(Boolean)) {
		if (/^\(.+\)$/.test(segment)) continue;
		if (/^\[\[[^\]]+\]\]$/.test(segment)) source += '(?:/[^/]+)?';
		else if (/^\[\.\.\.[^\]]+\]$/.test(segment)) source += '(?:/.*)?';
		else {
			const parts = segment.split(/\[[^\]]+\]/);
			source += '/' + parts.map(escape).join('[^/]+?');
			score += parts.length === 1 ? 2 : 1;
		}
	}
	compiled = { regex: new RegExp(`^${source}/?$`), score };
	cache.set(id, compiled);
	return compiled;
}
