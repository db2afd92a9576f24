import { createReadStream, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connect, ViteDevServer } from 'vite';
import {
	loadedScriptUrls,
	OWN_PREFIX,
	RETAINERS_PATH,
	relativePath,
	SNAPSHOTS_PATH,
	snapshotCost,
	startRetainerCapture,
	type Monitor,
	type NamingOptions,
	type RetainerCapture
} from '@heapwatch/core';
import type { Log } from '../log.ts';
import { createAppCodeTest, createSourceResolver } from '../routes/source-locations.ts';

/** Requests to the route between the two snapshots: enough for a per-request leak to stand out. */
const REQUESTS = 5;
const TIMEOUT_MS = 2 * 60_000;
const POLL_MS = 200;
/** Only names we write ourselves; no separators, so no way out of `.heapwatch/`. */
const SNAPSHOT_NAME = /^[\w.-]+\.heapsnapshot$/;

/**
 * "Why is this kept", on demand:
 * - `POST {base}__heapwatch/retainers?route=<route id>` starts a capture (202, with its cost);
 * - `GET {base}__heapwatch/retainers?route=<route id>` reports its state and, once done, the result;
 * - `GET {base}__heapwatch/snapshots/<file>` downloads a snapshot for Chrome DevTools.
 * One capture at a time; a new one deletes the previous one's files. Snapshots never run unasked.
 */
/** `isRoute`: whether src/routes defines a route id (the plugin's route table, kept current as files change). */
export function createRetainersMiddleware(server: ViteDevServer, monitor: Monitor, log: Log, isRoute: (id: string) => boolean): Connect.NextHandleFunction {
	const root = server.config.root;
	const dir = path.join(root, '.heapwatch');
	const base = server.config.base;
	const capturePaths = new Set([`${base}${RETAINERS_PATH}`, `/${RETAINERS_PATH}`]);
	const snapshotPrefixes = [`${base}${SNAPSHOTS_PATH}`, `/${SNAPSHOTS_PATH}`];
	let current: RetainerCapture | null = null;
	// Snapshots hold the process's strings, environment values among them: they go with the server.
	server.httpServer?.once('close', () => current?.dispose(true));

	const requestsOf = (route: string) => monitor.report().routes.find((entry) => entry.id === route)?.requests ?? 0;
	/** A route heapwatch has seen or src/routes defines: a capture of anything else could never finish. */
	const isKnownRoute = (route: string) => monitor.report().routes.some((entry) => entry.id === route) || isRoute(route);
	const naming = (): NamingOptions => {
		const urls = loadedScriptUrls();
		const resolve = createSourceResolver(server, root);
		const isApp = createAppCodeTest(root);
		const relative = (file: string) => relativePath(root, file);
		return {
			scriptUrl: (id) => urls.get(id),
			isAppScript: (url) => isApp(url.split('?')[0]),
			placeScript(url, line, column) {
				// Node loads file:// modules itself (Vite, Kit, libraries); Vite evaluates the app's
				// modules, named by absolute path, with its own line offset and source map.
				if (url.startsWith('file:')) return { file: relative(fileURLToPath(url)), line: line + 1 };
				if (path.isAbsolute(url.split('?')[0])) {
					const site = { url, line, column, functionName: '' };
					return resolve(site);
				}
				return { file: url, line: line + 1 };
			}
		};
	};

	function start(route: string, res: ServerResponse) {
		const previous = current?.status();
		if (previous && (previous.state === 'waiting' || previous.state === 'capturing')) {
			return json(res, 409, {
				error: `A capture for ${previous.route} is running (${previous.state}); one at a time. Poll GET ${base}${RETAINERS_PATH}?route=${previous.route}.`
			});
		}
		current?.dispose(true);
		current = startRetainerCapture({
			route,
			root,
			dir,
			requests: REQUESTS,
			timeoutMs: TIMEOUT_MS,
			pollMs: POLL_MS,
			requestsOf,
			inFlight: () => monitor.sampler.inFlight,
			naming,
			onChange(status) {
				if (status.state === 'waiting' || status.state === 'done') log.info(`retainers of ${route}: ${status.message}`);
				else if (status.state === 'failed') log.once(`retainers:${status.message}`, 'error', `retainers of ${route}: ${status.message}`);
			}
		});
		log.info(`retainers of ${route}: ${current.status().message}`);
		json(res, 202, current.status());
	}

	return function heapwatchRetainersMiddleware(req, res, next) {
		// Every request of the app passes here: the URL is parsed only for ours.
		const raw = req.originalUrl ?? req.url ?? '/';
		if (!raw.includes(OWN_PREFIX)) return next();
		try {
			const url = new URL(raw, 'http://localhost');
			if (capturePaths.has(url.pathname)) {
				const route = url.searchParams.get('route');
				if (req.method === 'POST') {
					if (!route) return json(res, 400, { error: `Missing ?route=<route id>, e.g. POST ${base}${RETAINERS_PATH}?route=/blog/[slug]` });
					if (!isKnownRoute(route)) {
						return json(res, 404, { error: `No route ${JSON.stringify(route)} in src/routes. Use a route id as SvelteKit writes it, e.g. /blog/[slug].` });
					}
					return start(route, res);
				}
				if (req.method !== 'GET' && req.method !== 'HEAD')
					return json(res, 405, { error: 'Use POST to start a capture, GET to read it.' }, { allow: 'GET, HEAD, POST' });
				const status = current?.status();
				if (!status || (route && status.route !== route)) {
					return json(res, 404, {
						error: `No capture for ${route ?? 'any route'}. Start one with POST ${base}${RETAINERS_PATH}?route=<route id>.`,
						cost: snapshotCost()
					});
				}
				return json(res, 200, status);
			}
			const prefix = snapshotPrefixes.find((candidate) => url.pathname.startsWith(candidate));
			if (prefix) return download(decodeURIComponent(url.pathname.slice(prefix.length)), req.method ?? 'GET', res);
			next();
		} catch (error) {
			const text = error instanceof Error ? error.message : String(error);
			log.once(`retainers-endpoint:${text}`, 'error', `retainers endpoint failed (your app is unaffected): ${text}`);
			if (!res.headersSent) json(res, 500, { error: text });
			else res.end();
		}
	};

	function download(name: string, method: string, res: ServerResponse) {
		if (method !== 'GET' && method !== 'HEAD') return json(res, 405, { error: 'Snapshots are read with GET.' }, { allow: 'GET, HEAD' });
		const file = path.join(dir, name);
		const size = SNAPSHOT_NAME.test(name) ? statSync(file, { throwIfNoEntry: false })?.size : undefined;
		if (size === undefined) return json(res, 404, { error: `No snapshot ${name} in ${path.relative(root, dir)}/.` });
		res.writeHead(200, {
			'content-type': 'application/octet-stream',
			'content-length': size,
			'content-disposition': `attachment; filename="${name}"`,
			'cache-control': 'no-store'
		});
		if (method === 'HEAD') return res.end();
		createReadStream(file)
			.on('error', () => res.destroy())
			.pipe(res);
	}
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
	res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
	res.end(JSON.stringify(body, null, 2));
}
