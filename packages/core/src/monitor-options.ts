// What the monitor is told by the plugin: thresholds and the app's layout. What it finds goes out as
// events (events/monitor-events.ts). Its own file so the contract reads on one page, apart from the wiring.
import type { ClassifyScript, IsAppCode } from './heap/allocation-keys.ts';
import type { AllocationSite } from './heap/allocation-site.ts';
import type { SourceLocation } from './protocol/report.ts';
import type { RoutePrefixOf } from './routes/shared-keys.ts';

export interface MonitorOptions {
	leakThreshold: number;
	sampleInterval: number;
	warmupRequests: number;
	window: number;
	minRequests: number;
	/** Routes counted (their memory has to go somewhere) but never reported or warned about. */
	isIgnored(id: string | null): boolean;
	/** The server file of a route, relative to the app root. */
	fileOf(id: string | null): string | null;
	/** Which route ids a file's folder stands for: where the app keeps its routes is the caller's to know (routes/shared-keys.ts). */
	routePrefixOf: RoutePrefixOf;
	/**
	 * Maps a script URL (an absolute path for Vite's SSR modules) to the route id whose own file it is,
	 * or to another key for shared server code; undefined for everything else.
	 */
	classifyScript: ClassifyScript;
	/** Mean bytes between two sampled allocations; smaller finds smaller leaks and costs more. */
	allocationSamplingInterval: number;
	/** Place allocations with no route file on their stack by request markers (request-markers.ts); off unless true. */
	requestMarkers?: boolean;
	/** Whether a script is the app's own code: allocation sites are named there. */
	isAppCode?: IsAppCode;
	/** Maps an allocation site (generated position) to the original file and line. */
	resolveSource?(site: AllocationSite): SourceLocation | undefined;
	/** heapwatch's own failures: reported, never thrown into the app's requests. */
	onError(error: unknown): void;
	/**
	 * Watches the app's server modules at module scope (registered by an SSR transform): the
	 * collections that keep what leaks, tiny leaks by entry count, state shared across requests.
	 * `root`: the app root, files are reported relative to it; `importersOf`: who imports a module
	 * (see ScopeWatchOptions). Omit to leave it off.
	 */
	scope?: { root: string; importersOf?(file: string): Iterable<string> };
	/** Tracks the timers and handles each request leaves alive (async_hooks); omit to leave it off. */
	handles?: {
		/** The app root: creation sites are reported relative to it. */
		root: string;
		/** Directories of dev tooling besides Vite's and Kit's (ours): their resources are never the app's. */
		tooling: string[];
		graceMs: number;
	};
}
