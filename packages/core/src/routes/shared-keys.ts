// What allocations, collections and findings are counted under when the code is not one route's own:
// hooks.server (every request), a +layout.server (the routes under it) and what instrumentation.server
// loads (every request). The plugin builds these keys (its routes/classify-script.ts); core reads them
// here and nowhere else. Where the app keeps its routes is the plugin's to know: it tells core which
// route ids a file's folder stands for (RoutePrefixOf), so core never reads a folder name.
import type { FindingReport } from '../protocol/report.ts';

export type SharedKind = Exclude<FindingReport['kind'], 'shared-state'>;

const SHARED_KEY = /^(hooks|layout|instrumentation):(.+)$/;

/** `layout:src/routes/(app)/+layout.server.ts`: the file is relative to the app root. */
export const sharedKey = (kind: SharedKind, file: string): string => `${kind}:${file}`;

export function parseSharedKey(key: string): { kind: SharedKind; file: string } | undefined {
	const match = SHARED_KEY.exec(key);
	return match ? { kind: match[1] as SharedKind, file: match[2] } : undefined;
}

/**
 * The route id prefix a file's folder stands for: `/(app)` for `src/routes/(app)/+layout.server.ts`,
 * '' for the routes folder itself, undefined outside it. The file is absolute or relative to the app root.
 */
export type RoutePrefixOf = (file: string) => string | undefined;

/**
 * The routes a key's code runs under: null for every request (hooks, instrumentation), the route id
 * prefix of a layout's folder ('' for the root layout: every page), undefined for a route's own key.
 */
export function routesUnder(key: string, routePrefixOf: RoutePrefixOf): string | null | undefined {
	const shared = parseSharedKey(key);
	if (!shared) return undefined;
	return shared.kind === 'layout' ? (routePrefixOf(shared.file) ?? '') : null;
}
