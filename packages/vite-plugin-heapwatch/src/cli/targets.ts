import path from 'node:path';
import type { ViteDevServer } from 'vite';
import type { CheckRoute } from '../options.ts';
import { readRouteTable } from '../routes/route-table.ts';
import { djb2, readRemoteFunctions, REMOTE_ARG } from '../routes/remote-functions.ts';
import type { CheckArgs } from './args.ts';
import { UsageError } from './args.ts';

/**
 * What to request: the routes on the command line, else `check.routes` from the config, else
 * every route of src/routes that has no parameter (a template cannot be guessed for those).
 * A remote query is named rather than given as a URL (see remoteTarget).
 */
export function resolveTargets(args: CheckArgs, configured: CheckRoute[], root: string): CheckRoute[] {
	if (args.routes.length > 0) {
		return args.routes.map((url) => {
			if (!url.startsWith('/')) return remoteTarget(url, root);
			return args.body === undefined ? { url, method: args.method } : { url, method: args.method, body: args.body };
		});
	}
	if (configured.length > 0) return configured;
	const discovered = readRouteTable(root)
		.filter((entry) => !entry.id.includes('[') && !entry.id.startsWith('remote:'))
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

/**
 * A remote query by name: `getPosts`, `src/routes/blog/data.remote.ts#getPosts` or its report id
 * `remote:src/routes/blog/data.remote.ts#getPosts`. It is called as the browser calls it, over
 * `/_app/remote/<hash>/<name>`, with a fresh string as its argument on every request.
 */
function remoteTarget(name: string, root: string): CheckRoute {
	const wanted = name.replace(/^remote:/, '');
	const all = readRemoteFunctions(root);
	// A name alone, or with its file or the end of its path.
	const matches = all.filter((entry) => entry.id === `remote:${wanted}` || entry.id.endsWith(wanted.includes('#') ? `/${wanted}` : `#${wanted}`));
	if (matches.length === 1) {
		const { file, id } = matches[0];
		return { url: `/_app/remote/${djb2(file)}/${id.slice(id.indexOf('#') + 1)}?payload=${REMOTE_ARG}`, method: 'GET' };
	}
	if (matches.length > 1) {
		throw new UsageError(
			`${name} names ${matches.length} remote functions: ${matches.map((m) => m.id.slice('remote:'.length)).join(', ')}. Name one with its file: heapwatch check ${matches[0].id.slice('remote:'.length)}`
		);
	}
	const known =
		all.length > 0 ? `Remote functions found: ${all.map((m) => m.id.slice('remote:'.length)).join(', ')}.` : `No *.remote.ts file under ${root}/src.`;
	throw new UsageError(`${name} is neither a URL (starting with /) nor a remote function. ${known}`);
}

/**
 * Kit serves a remote function over HTTP only once its file went through Kit's SSR transform, which
 * registers its hash (packages/kit/src/exports/vite/plugins/remote.js): in a browser, the page that
 * imports it did that first. Here nothing rendered it yet, so the remote files the targets call are
 * transformed before the first request.
 */
export async function prepareRemoteTargets(server: ViteDevServer, root: string, targets: CheckRoute[]): Promise<void> {
	const files = new Set<string>();
	for (const { file } of readRemoteFunctions(root)) {
		if (targets.some((target) => target.url.startsWith(`/_app/remote/${djb2(file)}/`))) files.add(file);
	}
	for (const file of files) await server.environments.ssr.transformRequest(path.join(root, file));
}
