import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readRemoteFunctions } from './remote-functions.ts';
import { ROUTES_DIR } from './route-folders.ts';
import { relativePath, routePattern } from '@heapwatch/core';

/** A SvelteKit route as the file system defines it. */
export interface RouteEntry {
	id: string;
	/** The file most likely to hold its server code, relative to the app root. */
	file: string | null;
	pattern: RegExp;
}

// Server code first: that is where server-side leaks live. A folder with only +layout files is not a route.
const FILE_PREFERENCE = ['+page.server', '+server', '+page'];
const ROUTE_FILE = /^\+page(\.server)?\.(js|ts)$|^\+server\.(js|ts)$|^\+page\.svelte$/;

/**
 * Reads src/routes into route ids, their main file, and a URL pattern, and the remote functions under
 * src/ (see remote-functions.ts). Used for the route file in
 * warnings, and as the fallback router when SvelteKit's own route id cannot be read.
 */
export function readRouteTable(root: string, routesDir = ROUTES_DIR): RouteEntry[] {
	const base = path.join(root, routesDir);
	const entries: RouteEntry[] = [];
	const walk = (dir: string, segments: string[]) => {
		let names: import('node:fs').Dirent[];
		try {
			names = readdirSync(dir, { withFileTypes: true });
		} catch {
			return;
		}
		const files = names.filter((n) => n.isFile() && ROUTE_FILE.test(n.name)).map((n) => n.name);
		if (files.length > 0) {
			const id = '/' + segments.join('/');
			const main = FILE_PREFERENCE.map((p) => files.find((f) => f.startsWith(p + '.'))).find(Boolean);
			const file = main ? relativePath(root, path.join(dir, main)) : null;
			entries.push({ id, file, pattern: routePattern(id).regex });
		}
		for (const n of names) if (n.isDirectory()) walk(path.join(dir, n.name), [...segments, n.name]);
	};
	walk(base, []);
	// Most specific first: static segments beat parameters, parameters beat rest parameters.
	entries.sort((a, b) => routePattern(b.id).specificity - routePattern(a.id).specificity);
	// Remote functions first: their endpoint is no route's URL.
	return [...readRemoteFunctions(root), ...entries];
}

/** The remote function a pathname calls (`/_app/remote/<hash>/<name>`), if any. */
export function matchRemoteFunction(table: RouteEntry[], pathname: string): RouteEntry | undefined {
	if (!pathname.includes('/remote/')) return undefined;
	return table.find((entry) => entry.id.startsWith('remote:') && entry.pattern.test(pathname));
}

/** The route a pathname would render, by file-system rules alone. */
export function matchRoute(table: RouteEntry[], pathname: string): RouteEntry | undefined {
	const clean = pathname.replace(/\/__data\.json$/, '') || '/';
	return table.find((entry) => entry.pattern.test(clean));
}
