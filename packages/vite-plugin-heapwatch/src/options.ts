/** Options of `heapwatch()`. Every field is optional; the defaults are in `defaults` below. */
export interface HeapwatchOptions {
	/**
	 * Turn heapwatch off without removing it from the config.
	 * @default true
	 */
	enabled?: boolean;
	/**
	 * Post-GC bytes a route may keep per request before it is reported as leaking. Clean routes of
	 * the playground measure 0-1 KB per request (see BENCHMARKS.md).
	 * @default 2048
	 */
	leakThreshold?: number;
	/**
	 * Least milliseconds between two heap samples. Each sample is a full garbage collection taken
	 * while no request is in flight (40-110 ms on a typical dev server), so lower means faster verdicts
	 * and more pauses.
	 * @default 1000
	 */
	sampleInterval?: number;
	/**
	 * Requests per route, after the server starts or server code is edited, that are not measured:
	 * they evaluate modules and warm the JIT, which looks like growth but is not a leak.
	 * @default 2
	 */
	warmupRequests?: number;
	/**
	 * How many of a route's most recent requests its estimate covers. A bounded cache that stops
	 * growing returns to `ok` after about this many requests.
	 * @default 20
	 */
	window?: number;
	/**
	 * Mean bytes allocated between two sampled allocations (V8's sampling heap profiler). Sampling is
	 * what names the route, and later the line, that keeps memory. Smaller finds small leaks sooner and
	 * costs more: each sample captures a stack. See BENCHMARKS.md for the measured trade-off.
	 * @default 16384
	 */
	allocationSamplingInterval?: number;
	/**
	 * Route ids never reported: exact ids (`/api/health`) or regular expressions. Use `null` for the
	 * 404 bucket.
	 * @default []
	 */
	ignoreRoutes?: Array<string | RegExp | null>;
}

export type ResolvedOptions = Required<HeapwatchOptions>;

export const defaults: ResolvedOptions = {
	enabled: true,
	leakThreshold: 2048,
	sampleInterval: 1000,
	warmupRequests: 2,
	window: 20,
	allocationSamplingInterval: 16384,
	ignoreRoutes: []
};

const docs = 'the Options section of the vite-plugin-heapwatch README';

function invalid(name: string, expected: string, value: unknown): Error {
	const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
	return new TypeError(`[heapwatch] option "${name}" must be ${expected}, got ${shown}. See ${docs}`);
}

function checkInteger(name: string, value: unknown, min: number, max: number): number {
	if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
		throw invalid(name, `a whole number from ${min} to ${max}`, value);
	}
	return value;
}

/** Merges options over the defaults; throws a TypeError naming the first bad or unknown option. */
export function resolveOptions(options: HeapwatchOptions = {}): ResolvedOptions {
	if (typeof options !== 'object' || options === null || Array.isArray(options)) {
		throw invalid('(options)', 'an object', options);
	}
	for (const name of Object.keys(options)) {
		if (!(name in defaults)) {
			const known = Object.keys(defaults).join(', ');
			throw new TypeError(`[heapwatch] unknown option "${name}". Known options: ${known}. See ${docs}`);
		}
	}
	const merged = { ...defaults, ...options } as ResolvedOptions;
	if (typeof merged.enabled !== 'boolean') throw invalid('enabled', 'true or false', merged.enabled);
	checkInteger('leakThreshold', merged.leakThreshold, 1, 2 ** 31);
	checkInteger('sampleInterval', merged.sampleInterval, 100, 600_000);
	checkInteger('warmupRequests', merged.warmupRequests, 0, 1000);
	checkInteger('window', merged.window, 3, 10_000);
	checkInteger('allocationSamplingInterval', merged.allocationSamplingInterval, 1024, 1024 * 1024);
	const ignore = merged.ignoreRoutes;
	if (!Array.isArray(ignore) || !ignore.every((r) => r === null || typeof r === 'string' || r instanceof RegExp)) {
		throw invalid('ignoreRoutes', 'an array of route ids (strings or null) and RegExps', ignore);
	}
	return merged;
}

export function routeMatcher(patterns: ResolvedOptions['ignoreRoutes']): (id: string | null) => boolean {
	return (id) =>
		patterns.some((pattern) => (pattern instanceof RegExp ? id !== null && pattern.test(id) : pattern === id));
}
