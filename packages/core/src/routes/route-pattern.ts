/**
 * Which pathnames a SvelteKit route id matches, as Kit's own routing does in the small
 * (packages/kit/src/utils/routing.js): (group) segments are not part of the URL, [param] matches one
 * segment (with text around it too), [[optional]] one or none, [...rest] any number; a matcher
 * (`[id=integer]`) is taken as any value. Browser-safe: the plugin's fallback router and the overlay's
 * "this page" both use it, so the two never disagree.
 */
export interface RoutePattern {
	regex: RegExp;
	/** Higher is more specific: static segments beat parameters, parameters beat optional and rest ones. */
	specificity: number;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function routePattern(id: string): RoutePattern {
	let source = '';
	let specificity = 0;
	for (const segment of id.split('/').filter(Boolean)) {
		if (/^\(.+\)$/.test(segment)) continue;
		if (/^\[\[[^\]]+\]\]$/.test(segment)) source += '(?:/[^/]+)?';
		else if (/^\[\.\.\.[^\]]+\]$/.test(segment)) source += '(?:/.*)?';
		else {
			const parts = segment.split(/\[[^\]]+\]/);
			source += '/' + parts.map(escapeRegExp).join('[^/]+?');
			specificity += parts.length === 1 ? 2 : 1;
		}
	}
	return { regex: new RegExp(`^${source}/?$`), specificity };
}

const compiled = new Map<string, RoutePattern>();

/** The most specific of `ids` that `pathname` matches, or null. Patterns are compiled once per id. */
export function matchRouteId(pathname: string, ids: Iterable<string | null>): string | null {
	let best: { id: string; specificity: number } | null = null;
	for (const id of ids) {
		if (id === null) continue;
		let pattern = compiled.get(id);
		if (!pattern) {
			if (compiled.size > 5000) compiled.clear();
			compiled.set(id, (pattern = routePattern(id)));
		}
		if (pattern.regex.test(pathname) && (!best || pattern.specificity > best.specificity)) best = { id, specificity: pattern.specificity };
	}
	return best?.id ?? null;
}
