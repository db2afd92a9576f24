import { resolveCheck } from './cli/check-options.ts';

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
	 * while no request is in flight (30-60 ms on a ~60 MB dev server; requests open for more than 2 s,
	 * such as SSE, do not count), so lower means faster verdicts and more pauses. Whatever this says,
	 * heapwatch's forced GCs take at most ~3% of wall time, and one predicted to block for more than
	 * ~100 ms (a heap of several hundred MB) waits for 5 s without requests; V8's own major GCs are
	 * samples meanwhile.
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
	 * Experimental. Gives memory allocated with no route file on its stack (in a remote function called
	 * through Kit, in undici reading an `event.fetch` body) to the request that ran alone when it was
	 * allocated, through markers in the allocation profile. Off by default: on a fast or busy dev server it
	 * has flagged clean routes (a library's lazy cache filling looks like a route's growth). Without it,
	 * such leaks are still found when a module-level collection keeps them (see "Kept by").
	 * @default false
	 */
	attributeAsyncAllocations?: boolean;
	/**
	 * Milliseconds a timer, socket or other handle created by a request may outlive its response
	 * before it counts as lingering. Short timers that fire within it (`await sleep(5)`, a retry, a
	 * debounce) are never reported; a setInterval or a long setTimeout is.
	 * @default 1000
	 */
	handleGrace?: number;
	/**
	 * Route ids never reported: exact ids (`/api/health`) or regular expressions. Use `null` for the
	 * 404 bucket.
	 * @default []
	 */
	ignoreRoutes?: Array<string | RegExp | null>;
	/**
	 * The in-page overlay (a badge that expands into a table of routes). `false` keeps only the
	 * terminal warnings.
	 * @default {}
	 */
	overlay?: false | OverlayOptions;
	/**
	 * What `heapwatch check` (the CLI for CI) requests; its command-line flags override these.
	 * @default { routes: [] }
	 */
	check?: CheckOptions;
}

/** Options of `heapwatch check`: which routes it requests, and how often. */
export interface CheckOptions {
	/**
	 * URL templates to request (`/products/{n}`: `{n}` becomes a fresh value on every request), or
	 * `{ url, method, body }` for form actions and endpoints (`body` may hold `{n}` too). Empty means
	 * every route of src/routes without parameters.
	 * @default []
	 */
	routes?: Array<string | CheckRoute>;
	/**
	 * A fixed number of measured requests per route, after the plugin's `warmupRequests`. Unset, the
	 * check keeps requesting a route until it is decided (leak or clean), between `--min-runs` and `--max-runs`.
	 * @default undefined
	 */
	runs?: number;
}

/** A request `heapwatch check` sends again and again. */
export interface CheckRoute {
	/** Path and query, with `{n}` for a fresh value. */
	url: string;
	/** @default 'GET' */
	method?: string;
	/**
	 * Sent as is; an object is sent as a form (`application/x-www-form-urlencoded`), as a SvelteKit
	 * form action expects.
	 */
	body?: string | Record<string, string>;
}

/** Options of the in-page overlay. */
export interface OverlayOptions {
	/**
	 * The corner the badge sits in.
	 * @default 'bottom-right'
	 */
	position?: 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';
	/**
	 * Start expanded instead of as a badge. A page remembers its last state for the browser session.
	 * @default false
	 */
	open?: boolean;
	/**
	 * Keys that expand and collapse the overlay: modifiers (`ctrl`, `alt`, `shift`, `meta`) and one
	 * letter, digit or F-key, joined by `-`.
	 * @default 'alt-shift-h'
	 */
	shortcut?: string;
	/**
	 * Show the overlay in browsers driven by automation too (Playwright, Puppeteer, Selenium:
	 * `navigator.webdriver` is true there). Off by default so that an app's own end-to-end tests see
	 * the app alone: Playwright's locators look inside the overlay's open shadow root, so
	 * `page.locator('button')` would also find its badge. Turn it on to test the overlay itself.
	 * @default false
	 */
	inAutomatedBrowsers?: boolean;
}

export type ResolvedOverlayOptions = Required<OverlayOptions>;
export type ResolvedCheckOptions = { routes: CheckRoute[]; runs?: number };
export type ResolvedOptions = Required<Omit<HeapwatchOptions, 'overlay' | 'check'>> & { overlay: false | ResolvedOverlayOptions; check: ResolvedCheckOptions };

const overlayDefaults: ResolvedOverlayOptions = { position: 'bottom-right', open: false, shortcut: 'alt-shift-h', inAutomatedBrowsers: false };

export const defaults: ResolvedOptions = {
	enabled: true,
	leakThreshold: 2048,
	sampleInterval: 1000,
	warmupRequests: 2,
	window: 20,
	allocationSamplingInterval: 16384,
	attributeAsyncAllocations: false,
	handleGrace: 1000,
	ignoreRoutes: [],
	overlay: overlayDefaults,
	check: { routes: [] }
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
		if (!Object.hasOwn(defaults, name)) {
			const known = Object.keys(defaults).join(', ');
			throw new TypeError(`[heapwatch] unknown option "${name}". Known options: ${known}. See ${docs}`);
		}
	}
	const merged = { ...defaults, ...options } as ResolvedOptions;
	if (typeof merged.enabled !== 'boolean') throw invalid('enabled', 'true or false', merged.enabled);
	if (typeof merged.attributeAsyncAllocations !== 'boolean') throw invalid('attributeAsyncAllocations', 'true or false', merged.attributeAsyncAllocations);
	checkInteger('leakThreshold', merged.leakThreshold, 1, 2 ** 31);
	checkInteger('sampleInterval', merged.sampleInterval, 100, 600_000);
	checkInteger('warmupRequests', merged.warmupRequests, 0, 1000);
	checkInteger('window', merged.window, 3, 10_000);
	checkInteger('allocationSamplingInterval', merged.allocationSamplingInterval, 1024, 1024 * 1024);
	checkInteger('handleGrace', merged.handleGrace, 0, 600_000);
	const ignore = merged.ignoreRoutes;
	if (!Array.isArray(ignore) || !ignore.every((r) => r === null || typeof r === 'string' || r instanceof RegExp)) {
		throw invalid('ignoreRoutes', 'an array of route ids (strings or null) and RegExps', ignore);
	}
	merged.overlay = resolveOverlay(options.overlay);
	merged.check = resolveCheck(options.check, invalid);
	return merged;
}

const positions = ['bottom-right', 'bottom-left', 'top-right', 'top-left'];
const SHORTCUT = /^(?:(?:ctrl|alt|shift|meta)-)+(?:[a-z0-9]|f[1-9]|f1[0-2])$/;

function resolveOverlay(overlay: HeapwatchOptions['overlay']): ResolvedOptions['overlay'] {
	if (overlay === undefined) return overlayDefaults;
	if (overlay === false) return false;
	if (typeof overlay !== 'object' || overlay === null || Array.isArray(overlay)) {
		throw invalid('overlay', `false or an object ({ ${Object.keys(overlayDefaults).join(', ')} })`, overlay);
	}
	for (const name of Object.keys(overlay)) {
		if (!Object.hasOwn(overlayDefaults, name)) {
			const known = Object.keys(overlayDefaults).join(', ');
			throw new TypeError(`[heapwatch] unknown option "overlay.${name}". Known overlay options: ${known}. See ${docs}`);
		}
	}
	const merged = { ...overlayDefaults, ...overlay };
	if (!positions.includes(merged.position)) throw invalid('overlay.position', `one of ${positions.map((p) => `"${p}"`).join(', ')}`, merged.position);
	if (typeof merged.open !== 'boolean') throw invalid('overlay.open', 'true or false', merged.open);
	if (typeof merged.inAutomatedBrowsers !== 'boolean') throw invalid('overlay.inAutomatedBrowsers', 'true or false', merged.inAutomatedBrowsers);
	if (typeof merged.shortcut !== 'string' || !SHORTCUT.test(merged.shortcut.toLowerCase())) {
		throw invalid('overlay.shortcut', 'modifiers and one key joined by "-", like "alt-shift-h"', merged.shortcut);
	}
	return { ...merged, shortcut: merged.shortcut.toLowerCase() };
}

export function routeMatcher(patterns: ResolvedOptions['ignoreRoutes']): (id: string | null) => boolean {
	return (id) => patterns.some((pattern) => (pattern instanceof RegExp ? id !== null && pattern.test(id) : pattern === id));
}
