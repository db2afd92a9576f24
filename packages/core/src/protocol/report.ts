/**
 * The shapes heapwatch shows to the outside: `GET /__heapwatch/report.json`, the retainer capture's
 * status, and the report inside the overlay's feed messages. Defined once, here; the server and every
 * client import them, and schema.ts checks received values against them.
 */

/** `warming`: too few measured requests yet. `ok`: no growth beyond the noise floor. `leak`: retains memory per request. */
export type Verdict = 'warming' | 'ok' | 'leak';

export interface SourceLocation {
	/** Relative to the app root, with forward slashes. */
	file: string;
	line: number;
	/** For allocation sites: the allocating function (its line is where the function starts). */
	function?: string;
	/** For allocation sites: live bytes allocated there per request of the route, over the recent window. */
	bytesPerRequest?: number;
}

export interface RequestSummary {
	method: string;
	/**
	 * The status the response had when it ended. For an aborted request, the one set when the client
	 * went away: 200 by default if nothing was sent yet, so read `aborted` first.
	 */
	status: number;
	/** The client went away before the response finished (a closed tab, a cancelled fetch, a dropped stream). */
	aborted: boolean;
	/** Until the response finished, or until the client went away. */
	durationMs: number;
	/**
	 * heapUsed after minus before, without a GC: mostly garbage, shown for orientation only. Null under
	 * sustained load, where requests overlap (each delta would mix the others') and are not read.
	 */
	heapDeltaBytes: number | null;
	/** Like heapDeltaBytes, for memory outside the V8 heap. */
	externalDeltaBytes: number | null;
	/**
	 * Null when other requests were in flight as it started: its delta would mix theirs, and reading
	 * ArrayBuffer memory costs an RSS read of /proc on every request under load.
	 */
	arrayBuffersDeltaBytes: number | null;
	subRequest: boolean;
}

export interface RouteReport {
	/** SvelteKit route id (`/blog/[slug]`); `null` for requests that matched no route (404). */
	id: string | null;
	/** Requests counted since the dev server started, sub-requests included. */
	requests: number;
	verdict: Verdict;
	/** Estimated post-GC memory (heap + external) kept per request, over the recent window. */
	retainedBytesPerRequest: number;
	/** The part of retainedBytesPerRequest outside the V8 heap (Buffers, ArrayBuffers). */
	externalBytesPerRequest: number;
	/** How many of this route's requests the estimate rests on. */
	estimateRequests: number;
	/** Standard error of retainedBytesPerRequest; null with no estimate yet, or one that cannot be told apart from other routes'. */
	retainedStandardError?: number | null;
	/** The route's request count when it was first flagged as `leak`, or null. */
	firstFlaggedAt: number | null;
	/**
	 * Live lingering handles attributed to the route: timers, sockets and other async resources its
	 * requests created that were still alive and ref'd a grace period after the response ended.
	 * Handles of a module instance replaced by an HMR edit move to `Report.staleHandles`. Counts the
	 * watched requests' handles: every request's, but one in ten under sustained load.
	 */
	handles: number;
	/** Where those handles were created, most first. */
	handleSites: HandleSite[];
	/** `leak` once several of the route's requests each left handles alive; back to `ok` when none is left. */
	handleVerdict: 'ok' | 'leak';
	/** Lingering handles per watched request of the route since the last HMR edit. */
	handlesPerRequest: number;
	/** The route's request count when its handles were first flagged, or null. */
	handlesFlaggedAt: number | null;
	/** Requests whose client left before the response ended (a closed tab, a cancelled fetch or EventSource). */
	abortedRequests?: number;
	/**
	 * The verdict is `ok` although the estimate is at or above the threshold: too noisy to call a leak
	 * yet (its standard error is retainedStandardError). Shown as "uncertain", never as a plain ok.
	 */
	uncertain?: boolean;
	/** Where the retained memory is allocated, most first. */
	/**
	 * Where the memory the route keeps is allocated: the innermost function of the app's own code on
	 * the allocation stacks (libraries, Vite and Kit skipped), most bytes per request first.
	 */
	sources: SourceLocation[];
	/** The route's own server file (+page.server, +server, +layout.server), relative to the app root. */
	file: string | null;
	last: RequestSummary | null;
	/**
	 * The route's sampled live bytes at recent post-GC samples, oldest first: a sparkline, and the
	 * trend `heapwatch check` decides on. `lastingTurnover`: sampled bytes so far that came into or left
	 * what the route keeps after lasting two samples (the sampling noise of a kept set that changes,
	 * such as a cache replacing entries, grows with it; see LiveBytesTrend and the allocation sampler).
	 */
	history: { requests: number; liveBytes: number; lastingTurnover: number }[];
	/**
	 * The module-scope collections of the route's own server file that grow with its requests, the
	 * unbounded ones first: the variable that keeps what leaks. Empty when nothing at module scope
	 * grows (the leak is kept elsewhere: a library, a closure; the retainer capture finds it).
	 */
	keptBy?: KeptBy[];
}

/** A collection at module scope that grows with requests, and the variable that holds it. */
export interface KeptBy {
	/** The top-level binding, with the path to a nested collection: `cache`, `state.visits`, `byUser[*]` (all its values). */
	name: string;
	/** `EventEmitter`, `EventTarget`: its entries are its listeners, all events together. */
	kind: 'Map' | 'Set' | 'Array' | 'Object' | 'EventEmitter' | 'EventTarget';
	/** Relative to the app root. */
	file: string;
	/** The line of the binding's declaration. */
	line: number;
	/** New entries per request of the route while it grew. */
	entriesPerRequest: number;
	/** Entries now. */
	entries: number;
	/** It grew past the entry-count rule's bar (a leak by count); false while it may still be a bounded cache filling. */
	unbounded: boolean;
	/** The route's retained bytes per request, when this is the only collection of the route that grows. */
	bytesPerRequest?: number;
}

/** Live async resources created at one line of the app's code. */
export interface HandleSite extends SourceLocation {
	/**
	 * `Interval` (setInterval), `Timeout` (setTimeout), `TCP`, `TCPServer`, `Pipe`, `PipeServer`, `UDP`,
	 * `FileHandle`, `FSWatcher`, `StatWatcher`, `ChildProcess`, `Signal`, `MessagePort`, `Worker`.
	 */
	type: string;
	/** For `Interval` and `Timeout`: the period or delay in milliseconds. */
	delayMs?: number;
	count: number;
}

/** Handles still alive that were created by a module instance an HMR edit replaced: they run on, unreachable. */
export interface StaleHandleSite extends HandleSite {
	/** The route whose request created them. */
	route: string | null;
	/** The epoch that replaced their module. */
	epoch: number;
}

/**
 * Code that runs under many routes (hooks.server handle, a +layout.server load) and keeps memory:
 * reported once, on its own file, per request of the routes it runs under.
 */
export interface FindingReport {
	/** `shared-state`: a module-scope binding that requests reassign (see `binding`); the others keep memory. */
	kind: 'hooks' | 'layout' | 'shared-state' | 'instrumentation';
	/** Relative to the app root. */
	file: string;
	verdict: Verdict;
	retainedBytesPerRequest: number;
	estimateRequests: number;
	/** Requests (of the routes it runs under) when first flagged, or null. */
	firstFlaggedAt: number | null;
	sources: SourceLocation[];
	/** For hooks and layouts: their module-scope collections that grow with requests (see RouteReport.keptBy). */
	keptBy?: KeptBy[];
	/**
	 * For `shared-state`: the module-level `let` that requests reassign, so concurrent users can see
	 * each other's value. `estimateRequests` and `firstFlaggedAt` count its writes there.
	 */
	binding?: { name: string; line: number; writes: number; writtenBy: string[] };
}

export interface MemoryFigures {
	heapUsed: number;
	external: number;
	arrayBuffers: number;
}

/** How heapwatch samples right now: finely while a person browses, coarsely under sustained load. */
export interface SamplingReport {
	/** A load test is running: coarse allocation sampling, one request in ten watched for handles. */
	underLoad: boolean;
	/** Mean bytes between two sampled allocations. */
	allocationIntervalBytes: number;
	/**
	 * Under traffic with no idle moment, a post-GC sample is taken once the last is this old: 1.5 s,
	 * 4.5 s under load, 13.5 s under load once every route taking requests is `ok`.
	 */
	busySampleAfterMs: number;
	/**
	 * A forced GC would block longer than ~100 ms (a big heap): heapwatch forces one only after 5 s
	 * without requests, and measures at V8's own major GCs meanwhile, so verdicts come slower.
	 */
	quietSpellsOnly: boolean;
}

/**
 * heapwatch's process-wide state. Vite's restarts (`r`, vite.config edits) create a new dev server in
 * the same process, before closing the old one; V8's sampling heap profiler, the inspector session and
 * the async hook are the process's, shared across them.
 */
export interface ProcessReport {
	/** heapwatch monitors alive: one per dev server, so 1 except for a moment during a restart. */
	monitors: number;
	/** V8's sampling heap profiler runs (it names the sources of what a route keeps). */
	allocationSampling: boolean;
	/** Dev servers heapwatch started in this process after the first: Vite restarts. */
	restarts: number;
}

export interface Report {
	version: 1;
	/** Increments on every HMR edit of server code: estimates restart from there. */
	epoch: number;
	/** Post-GC samples taken so far, and the latest one. */
	samples: number;
	lastSample: (MemoryFigures & { at: number; gcMs: number }) | null;
	sampling: SamplingReport;
	/** Recent post-GC samples of the whole process, oldest first (for a sparkline). */
	history: { at: number; heapUsed: number; external: number }[];
	routes: RouteReport[];
	/** Timers and handles of replaced module instances (after HMR edits) that are still alive. */
	staleHandles: StaleHandleSite[];
	/** Shared code that keeps memory under many routes; see FindingReport. */
	findings: FindingReport[];
	process: ProcessReport;
	/**
	 * Post-GC heap growth per request, over all routes, that heapwatch cannot place: no route file on
	 * its allocation stacks, no request marker before it, not Vite's or heapwatch's. Never given to a
	 * route (a clean route is not flagged on growth nothing places on it). Null until measured.
	 */
	unplaced?: UnplacedReport | null;
}

/** Growth nothing places, judged process-wide like a route (findings/unplaced-growth.ts). */
export interface UnplacedReport {
	bytesPerRequest: number;
	standardError: number;
	/** Requests of every route the estimate spans. */
	requests: number;
	/** `leak` once it clearly grows above the threshold over at least 200 requests. */
	verdict: Verdict;
	/** Requests of every route (quiet intervals of this epoch) when it was first stated. */
	firstFlaggedAt: number | null;
}

/** What a heap snapshot will cost, stated before taking it. */
export interface SnapshotCost {
	heapUsed: number;
	pauseMs: number;
	fileBytes: number;
}

/** One link of a retainer chain: the edge followed (`.key`, `[3]`, a variable name) and the object reached. */
export interface RetainerStep {
	edge: string;
	node: string;
	/** For functions and scopes: the file they are defined in (as the caller names files). */
	file?: string;
	/** 1-based line of the function. */
	line?: number;
}

export type CaptureState = 'waiting' | 'capturing' | 'done' | 'failed';

/** "Why is this kept" for one route: what `GET /__heapwatch/retainers?route=` answers. */
export interface RetainerCaptureStatus {
	route: string;
	/** `waiting`: snapshot one taken, waiting for the route's requests. `capturing`: snapshot two and analysis. */
	state: CaptureState;
	/** Requests to the route still needed before the second snapshot (0 once it is taken). */
	requestsNeeded: number;
	/** What the capture costs, stated before the first snapshot. */
	cost: SnapshotCost & { snapshots: number };
	/** The .heapsnapshot files written so far, relative to the app root (open them in Chrome DevTools, Memory tab). */
	snapshots: string[];
	snapshotBytes: number[];
	/** How long each snapshot stopped the process, in milliseconds. */
	pauseMs: number[];
	/** Objects allocated between the snapshots and still alive, by kind, most bytes first. */
	grown: { name: string; count: number; selfBytes: number }[];
	/** Shortest chain from a GC root to a grown object, through the variable that holds it. */
	path: RetainerStep[];
	/** The variable that keeps the growth alive, and where it is declared. */
	variable: { name: string; file: string | null; line?: number } | null;
	/** One sentence for people: what is happening or what was found. */
	message: string;
}
