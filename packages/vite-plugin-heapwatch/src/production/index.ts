import { resolveProductionOptions, type ProductionOptions, type ResolvedProductionOptions } from './options.ts';
import { observeRoutes, registeredMeter } from './route-metrics.ts';
import { RouteMonitor } from './route-monitor.ts';

export type { ProductionOptions } from './options.ts';
export type { RouteFigures } from './route-monitor.ts';

/** Messages already said in this process: each is said once, however many handles are made. */
const said = new Set<string>();
const MAX_SAID = 100;

function sayOnce(options: ResolvedProductionOptions, key: string, message: string): void {
	if (said.has(key) || said.size >= MAX_SAID) return;
	said.add(key);
	options.log(`[heapwatch] ${message}`);
}

/** What heapwatch reads of Kit's RequestEvent. */
interface KitEvent {
	route: { id: string | null };
	isSubRequest: boolean;
	request: Request;
}

/**
 * Kit's `Handle`, written out so that this entry needs no types of Kit's: generic in the event, so
 * Kit's own `Handle` type accepts it (and `sequence()` too).
 */
export type Handle = <Event extends KitEvent>(input: { event: Event; resolve: (event: Event) => Response | Promise<Response> }) => Response | Promise<Response>;

/**
 * The process's one monitor: V8's GCs and the async hook are the process's, and a second set of
 * instruments with the same names would clash in the SDK. `vite dev` evaluates hooks.server.ts again
 * after each edit of it; the first call's monitor and options go on.
 */
const MONITOR = Symbol.for('heapwatch.production.monitor');
type WithMonitor = typeof globalThis & { [MONITOR]?: RouteMonitor };

const passThrough: Handle = ({ event, resolve }) => resolve(event);

/**
 * heapwatch for a production SvelteKit server (adapter-node): a `handle` that counts requests per
 * route id and reads retained memory after the major GCs V8 runs anyway, exported through the
 * app's OpenTelemetry SDK (meter `heapwatch`). Register the SDK in `src/instrumentation.server.ts`,
 * which Kit loads before the app, then in `src/hooks.server.ts`:
 *
 * ```ts
 * import { heapwatch } from 'vite-plugin-heapwatch/production';
 * export const handle = heapwatch(); // or sequence(heapwatch(), yourHandle)
 * ```
 *
 * Without a registered MeterProvider it measures nothing, returns a handle that only calls
 * `resolve`, and says so once.
 */
export function heapwatch(options?: ProductionOptions): Handle {
	const resolved = resolveProductionOptions(options);
	if (!resolved.enabled) return passThrough;
	const meter = registeredMeter();
	if (!meter) {
		sayOnce(
			resolved,
			'no-sdk',
			'No OpenTelemetry MeterProvider is registered, so heapwatch measures nothing (its handle only calls resolve). Start an OpenTelemetry SDK with a metric reader in src/instrumentation.server.ts; see "Production" in the README of vite-plugin-heapwatch.'
		);
		return passThrough;
	}
	let monitor = (globalThis as WithMonitor)[MONITOR];
	if (monitor) {
		sayOnce(
			resolved,
			'again',
			'heapwatch() from vite-plugin-heapwatch/production was called again in this process: the first call goes on measuring, with its options.'
		);
	} else {
		const onError = (error: unknown) =>
			sayOnce(
				resolved,
				`error:${String(error)}`,
				`heapwatch/production failed and goes on without this figure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`
			);
		monitor = new RouteMonitor(resolved, onError);
		observeRoutes(meter, monitor);
		(globalThis as WithMonitor)[MONITOR] = monitor;
	}
	const shared = monitor;

	return async ({ event, resolve }) => {
		const route = event.route.id;
		// 404s have no route id; sub-requests (event.fetch to the app itself) already run inside the request that made them.
		if (route === null || event.isSubRequest) return resolve(event);
		const context = shared.begin(route, event.request.method);
		if (!context) return resolve(event);
		try {
			return await shared.run(context, () => resolve(event));
		} finally {
			shared.end(context, route);
		}
	};
}
