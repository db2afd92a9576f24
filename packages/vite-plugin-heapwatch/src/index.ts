import path from 'node:path';
import type { Plugin, ViteDevServer } from 'vite';
import { fileURLToPath } from 'node:url';
import { Monitor, REPORT_PATH, replacedFiles } from '@heapwatch/core';
import { createLog, type Log } from './log.ts';
import { resolveOptions, routeMatcher, type HeapwatchOptions, type ResolvedOptions } from './options.ts';
import { matchRemoteFunction, matchRoute, readRouteTable, type RouteEntry } from './routes/route-table.ts';
import { createScriptClassifier } from './routes/classify-script.ts';
import { createRoutePrefixOf, ROUTES_DIR } from './routes/route-folders.ts';
import { createAppCodeTest, createSourceResolver } from './routes/source-locations.ts';
import { installBridge, routeHookPlugin } from './server/route-hook.ts';
import { createBridge, createRequestMiddleware } from './server/request-tracking.ts';
import { createEndpointGuard } from './server/endpoint-guard.ts';
import { heapwatchToken } from './server/access.ts';
import { createReportMiddleware } from './server/report-endpoint.ts';
import { createRetainersMiddleware } from './server/retainers-endpoint.ts';
import { reportToTerminal } from './server/terminal-reporter.ts';
import { overlayPlugin } from './overlay/overlay-plugin.ts';
import { createPluginContext, type Measuring, type PluginContext } from './plugin-context.ts';
import { scopePlugin } from './scope/scope-plugin.ts';
import { startOverlayFeed } from './overlay/feed.ts';

export type { HeapwatchOptions, CheckOptions, CheckRoute } from './options.ts';
export type { Report, RouteReport, Verdict, SourceLocation, RequestSummary } from '@heapwatch/core';

/** How many of a route's measured requests (after warm-up) come before its first verdict. */
const MIN_REQUESTS = 6;

/**
 * Finds server-side memory leaks in a SvelteKit app during `vite dev`: add `heapwatch()` to the
 * plugins in vite.config. Nothing of it runs in `vite build` or `vite preview`.
 */
export function heapwatch(options?: HeapwatchOptions): Plugin[] {
	const resolved = resolveOptions(options);
	if (!resolved.enabled) return [];
	const context = createPluginContext(resolved);
	return [
		{
			name: 'heapwatch',
			apply: 'serve',
			// Used by `heapwatch check`, which finds the plugin in the user's resolved config.
			api: {
				options: resolved,
				token: heapwatchToken(),
				sampleFinelyUnderLoad: () => context.measuring?.monitor.sampleFinelyUnderLoad()
			} satisfies PluginApi,
			configureServer(server) {
				context.measuring = startMonitoring(server, context);
			},
			// On a restart or a close, in middleware mode too. Vite 7 has no such hook: there the HTTP
			// server's 'close' stops monitoring (and nothing does in middleware mode).
			closeServer() {
				context.measuring?.stop();
			},
			hotUpdate({ modules }) {
				// An edit of server code re-evaluates modules: new instances, new warm-up.
				// The old instances are never disposed: their timers are reported as stale.
				if (this.environment.config.consumer === 'server' && modules.length > 0) context.measuring?.monitor.newEpoch(replacedFiles(modules));
			}
		},
		routeHookPlugin(context),
		scopePlugin(),
		...(resolved.overlay ? [overlayPlugin(resolved.overlay, context)] : [])
	];
}

/** The files that import `file` in the SSR module graph (no module: none). */
function* importersOf(server: ViteDevServer, file: string): Iterable<string> {
	for (const module of server.environments.ssr?.moduleGraph.getModulesByFile(file) ?? []) {
		for (const importer of module.importers) if (importer.file) yield importer.file;
	}
}

/** What the plugin offers `heapwatch check` (the CLI) through Vite's plugin `api`. */
export interface PluginApi {
	options: ResolvedOptions;
	/** This process's token, which every `/__heapwatch/` endpoint wants (server/access.ts). */
	token: string;
	/** The check's own traffic must not make sampling coarse (Monitor#sampleFinelyUnderLoad). */
	sampleFinelyUnderLoad(): void;
}

export default heapwatch;

/**
 * One monitor per dev server. On a restart Vite creates the new server before it closes the old one:
 * what the process has once (the sampling profiler, the async hook, the overlay's token) is shared
 * across them (see @heapwatch/core's process/), and the old monitor only lets go of it on `stop`.
 */
function startMonitoring(server: ViteDevServer, context: PluginContext): Measuring {
	const { options } = context;
	const log = createLog(server.config.logger);
	const root = server.config.root;
	const onError = (error: unknown) => reportInternalError(log, error);

	let table: RouteEntry[] = readRouteTable(root);
	const routesDir = path.join(root, ROUTES_DIR);
	const refreshRoutes = (event: string, file: string) => {
		if (event !== 'change' && file.startsWith(routesDir)) table = readRouteTable(root);
	};
	server.watcher.on('all', refreshRoutes);

	const monitor = new Monitor({
		leakThreshold: options.leakThreshold,
		sampleInterval: options.sampleInterval,
		warmupRequests: options.warmupRequests,
		window: options.window,
		minRequests: MIN_REQUESTS,
		isIgnored: routeMatcher(options.ignoreRoutes),
		fileOf: (id) => table.find((entry) => entry.id === id)?.file ?? null,
		routePrefixOf: createRoutePrefixOf(root),
		classifyScript: createScriptClassifier(root),
		allocationSamplingInterval: options.allocationSamplingInterval,
		requestMarkers: options.attributeAsyncAllocations,
		isAppCode: createAppCodeTest(root),
		resolveSource: createSourceResolver(server, root),
		onError,
		scope: { root, importersOf: (file) => importersOf(server, file) },
		handles: {
			root,
			// Our own code (dist/, wherever the package is installed or linked from); not the package root,
			// under which the test fixtures (Kit apps) live.
			tooling: [path.dirname(fileURLToPath(import.meta.url)) + path.sep],
			graceMs: options.handleGrace
		}
	});
	reportToTerminal(monitor.events, log);

	const remoteIdOf = (pathname: string) => matchRemoteFunction(table, pathname)?.id;
	const uninstallBridge = installBridge(createBridge(monitor, onError, remoteIdOf));
	const routing = {
		hookInstalled: () => context.routeHookInstalled,
		matchUrl(pathname: string) {
			log.once('no-route-hook', 'error', NO_ROUTE_HOOK);
			return matchRoute(table, pathname)?.id ?? null;
		}
	};
	server.middlewares.use(createEndpointGuard(server, log));
	server.middlewares.use(createReportMiddleware(server.config.base, () => monitor.report()));
	server.middlewares.use(createRetainersMiddleware(server, monitor, log, (id) => table.some((entry) => entry.id === id)));
	server.middlewares.use(createRequestMiddleware(monitor, routing, onError));
	log.info(`measuring server memory per route: ${server.config.base}${REPORT_PATH}?token=${heapwatchToken()}`);
	const feed = options.overlay ? startFeed(server, log, monitor, onError) : null;

	let closed = false;
	const stop = () => {
		if (closed) return;
		closed = true;
		if (context.measuring?.monitor === monitor) context.measuring = undefined;
		monitor.close();
		feed?.close();
		uninstallBridge();
		server.watcher.off('all', refreshRoutes);
	};
	server.httpServer?.once('close', stop);
	return { monitor, log, transport: feed?.transport ?? null, stop };
}

const NO_ROUTE_HOOK =
	"could not find SvelteKit's generated hooks module (.svelte-kit/generated/dev/server.js), so route ids are " +
	'guessed by matching URLs against src/routes. Sub-requests and rerouted URLs may be misattributed. ' +
	'Please report this with your @sveltejs/kit version.';

/** Without its feed the overlay shows nothing, but measuring and terminal warnings go on. */
function startFeed(...args: Parameters<typeof startOverlayFeed>) {
	try {
		return startOverlayFeed(...args);
	} catch (error) {
		args[3](error);
		return null;
	}
}

function reportInternalError(log: Log, error: unknown) {
	const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
	log.once(`internal:${text.split('\n')[0]}`, 'error', `internal error (your app is unaffected; heapwatch carries on):\n${text}`);
}
