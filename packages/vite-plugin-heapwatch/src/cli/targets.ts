import type { CheckRoute } from '../options.ts';
import { readRouteTable } from '../routes/route-table.ts';
import type { CheckArgs } from './args.ts';
import { UsageError } from './args.ts';

/**
 * What to request: the routes on the command line, else `check.routes` from the config, else
 * every route of src/routes that has no parameter (a template cannot be guessed for those).
 */
export function resolveTargets(args: CheckArgs, configured: CheckRoute[], root: string): CheckRoute[] {
	if (args.routes.length > 0) {
		return args.routes.map((url) => (args.body === undefined ? { url, method: args.method } : { url, method: args.method, body: args.body }));
	}
	if (configured.length > 0) return configured;
	const discovered = readRouteTable(root)
		.filter((entry) => !entry.id.includes('['))
		.map((entry) => ({ url: urlOf(entry.id), method: 'GET' }))
		.sort((a, b) => a.url.localeCompare(b.url));
	if (discovered.length === 0) {
		throw new UsageError(`No route without parameters in ${root}/src/routes. Name routes to check: heapwatch check /products/{n} /cart`);
	}
	return discovered;
}

/** `/(app)/admin` -> `/admin`: groups are not part of the URL. */
function urlOf(id: string): string {
	return (
		'/' +
		id
			.split('/')
			.filter((segment) => segment && !/^\(.+\)$/.test(segment))
			.join('/')
	);
}
