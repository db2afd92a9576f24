import path from 'node:path';
import type { RoutePrefixOf } from '@heapwatch/core';

/** Where a SvelteKit app keeps its routes, relative to its root: Kit's default (`kit.files.routes` is not read). */
export const ROUTES_DIR = 'src/routes';

/** The route id a folder of the routes folder stands for: `/blog/[slug]`, `/` for the routes folder itself. */
export function routeIdOfFolder(routesBase: string, dir: string): string {
	return '/' + path.relative(routesBase, dir).split(path.sep).filter(Boolean).join('/');
}

/**
 * What core asks of the app's routes (see its routes/shared-keys.ts): the route id prefix a file's
 * folder stands for, '' for the routes folder itself (a root layout runs under every page), undefined
 * outside it. Files come absolute or relative to the app root.
 */
export function createRoutePrefixOf(root: string): RoutePrefixOf {
	const routesBase = path.join(root, ROUTES_DIR);
	return (file) => {
		const dir = path.dirname(path.resolve(root, file));
		if (dir !== routesBase && !dir.startsWith(routesBase + path.sep)) return undefined;
		const id = routeIdOfFolder(routesBase, dir);
		return id === '/' ? '' : id;
	};
}
