/** Options of `heapwatch()` from `vite-plugin-heapwatch/production`. */
export interface ProductionOptions {
	/**
	 * Turn measuring off without removing the handle (it then only calls `resolve`).
	 * @default true
	 */
	enabled?: boolean;
	/**
	 * Bytes a route may keep per request, after V8's own major GCs, before `heapwatch.route.leak` is 1
	 * for it: the lower end of the estimate's one-sided 99% interval (Student's t on the GC intervals'
	 * degrees of freedom) must be above it. It clears when the estimate falls below half of this.
	 * @default 2048
	 */
	leakThreshold?: number;
	/**
	 * Requests per route, after the server starts, that are not measured: the first ones load the
	 * route's modules and warm the JIT, which looks like growth but is not a leak.
	 * @default 10
	 */
	warmupRequests?: number;
	/**
	 * How many of a route's most recent requests its estimate covers (at least `minIntervals` GC
	 * intervals). Larger is steadier; a bounded cache that stops growing reads as clean again after
	 * about this many requests.
	 * @default 1000
	 */
	window?: number;
	/**
	 * Measured requests of a route before its first leak verdict.
	 * @default 100
	 */
	minRequests?: number;
	/**
	 * Watch the timers, sockets and file handles of one request in this many (an `async_hooks` init
	 * hook, on only while a watched request runs; each resource a watched request creates costs a
	 * stack capture). On the fixture app even every request watched cost no more than this machine's
	 * noise (see BENCHMARKS.md); one in 20 keeps it small on apps whose requests create many
	 * resources. `0` turns handle tracking off.
	 * @default 20
	 */
	handlesOneIn?: number;
	/**
	 * Milliseconds a resource created by a watched request may stay alive after its response before
	 * it counts in `heapwatch.route.live_handles`.
	 * @default 1000
	 */
	handleGrace?: number;
	/**
	 * Where heapwatch's few messages go (no SDK registered, its own errors), each said once.
	 * @default console.warn
	 */
	log?: (message: string) => void;
}

export type ResolvedProductionOptions = Required<ProductionOptions>;

export const PRODUCTION_DEFAULTS: ResolvedProductionOptions = {
	enabled: true,
	leakThreshold: 2048,
	warmupRequests: 10,
	window: 1000,
	minRequests: 100,
	handlesOneIn: 20,
	handleGrace: 1000,
	log: (message) => console.warn(message)
};

/** Defaults filled in; an unknown option or a value of the wrong kind is an error naming it. */
export function resolveProductionOptions(options: ProductionOptions = {}): ResolvedProductionOptions {
	for (const [name, value] of Object.entries(options)) {
		if (!(name in PRODUCTION_DEFAULTS)) {
			throw new Error(
				`[heapwatch] Unknown option "${name}" passed to heapwatch() from vite-plugin-heapwatch/production. Known options: ${Object.keys(PRODUCTION_DEFAULTS).join(', ')}.`
			);
		}
		const expected = typeof PRODUCTION_DEFAULTS[name as keyof ProductionOptions];
		if (value !== undefined && typeof value !== expected) {
			throw new Error(`[heapwatch] Option "${name}" of heapwatch() (vite-plugin-heapwatch/production) must be a ${expected}, got ${typeof value}.`);
		}
	}
	const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
	return { ...PRODUCTION_DEFAULTS, ...defined };
}
