// What the monitor is told by the plugin (or the production entry): thresholds, the app's layout, and
// where verdict changes go. Its own file so the contract reads on one page, apart from the wiring.
import type { ClassifyScript, IsAppCode } from './heap/allocation-keys.ts';
import type { AllocationSite } from './heap/allocation-site.ts';
import type { FindingReport, RouteReport, SourceLocation, StaleHandleSite, Verdict } from './protocol/report.ts';

export interface MonitorOptions {
	leakThreshold: number;
	sampleInterval: number;
	warmupRequests: number;
	window: number;
	minRequests: number;
	/** Routes counted (their memory has to go somewhere) but never reported or warned about. */
	isIgnored(id: string | null): boolean;
	onVerdictChange(route: RouteReport, previous: Verdict): void;
	/** The server file of a route, relative to the app root. */
	fileOf(id: string | null): string | null;
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
	/** Allocation sampling went coarser under sustained load, or back (interval in bytes, requests/s). */
	onSamplingChange?(interval: number, coarse: boolean): void;
	/** A hooks.server or +layout.server file started or stopped keeping memory under its routes. */
	onFindingChange?(finding: FindingReport, previous: Verdict): void;
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
		onVerdictChange(route: RouteReport): void;
		/** An HMR edit replaced modules whose timers or handles still run. */
		onStale(sites: StaleHandleSite[]): void;
	};
}
