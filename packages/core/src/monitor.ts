import { memoryDeltasSince, readHeap, readMemory, type MemoryAtStart } from './heap/memory.ts';
import { arrayBuffersAfterMinorGc, forceGc, forceMinorGc } from './heap/gc.ts';
import { LoadGovernor } from './heap/load-governor.ts';
import { IdleSampler, type HeapSample } from './heap/idle-sampler.ts';
import {
	AllocationSampler,
	UNPLACED,
	type AllocationSite,
	type ClassifyScript,
	type IsAppCode,
	type LiveBytes,
	type MarkerWeightOfKey
} from './heap/allocation-sampler.ts';
import { RetentionEstimator, type RetentionEstimate } from './estimator/retention-estimator.ts';
import { LiveBytesTrend, type TrendEstimate } from './estimator/live-bytes-trend.ts';
import { nextVerdict, type RouteEstimate } from './estimator/verdict.ts';
import { requestStorage, type RequestContext } from './request/request-context.ts';
import { RequestMarkers } from './request/request-markers.ts';
import { routeKey } from './messages.ts';
import { RingBuffer } from './ring-buffer.ts';
import { HandleTracker, type HandlesOfRoute } from './handles/handle-tracker.ts';
import type { FindingReport, Report, RequestSummary, RouteReport, SourceLocation, StaleHandleSite, Verdict } from './protocol.ts';
import { allocationSources } from './findings/allocation-sources.ts';
import { SharedSources } from './findings/shared-sources.ts';
import { monitorClosed, monitorStarted, processReport } from './process/monitors.ts';
import { samplingIntervalHeld } from './process/sampling-profiler.ts';
import { ownerPrefix, ScopeWatch } from './scope/scope-watch.ts';

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

interface RouteState {
	id: string | null;
	requests: number;
	/** Requests since the last HMR edit: the first few are warm-up. */
	epochRequests: number;
	verdict: Verdict;
	trend: LiveBytesTrend;
	/** Top allocation sites of the memory it keeps, resolved at the latest sample. */
	sources: SourceLocation[];
	/** Sampled bytes of this route that appeared or died, summed over the epoch. */
	turnover: number;
	/** The part of it that lasted two samples (LiveBytes.lastingTurnover), summed over the epoch: what the gate's noise floor counts. */
	lastingTurnover: number;
	estimate: RouteEstimate | undefined;
	firstFlaggedAt: number | null;
	last: RequestSummary | null;
	/** Requests whose client left before the response ended. */
	aborted: number;
	changedSinceEstimate: boolean;
}

/**
 * A request that grew ArrayBuffer memory by this much gets a minor GC (well under a millisecond) to
 * see how much of it outlived the request: memory outside the V8 heap that sampling cannot see.
 */
const BUFFER_CHECK_BYTES = 8 * 1024;

/**
 * Under traffic that never pauses, a post-GC sample is taken once the last is this many sample
 * intervals old. Each is a full GC plus reading the allocation profile (~40 ms under load, measured),
 * and V8 runs more mark-compacts of its own after them. Under sustained load, allocation sampling is
 * coarse and finds only large leaks anyway: 3x less often. Once every route taking requests has an
 * `ok` verdict, 3x less again: a new route, an edit or a leak brings the faster rate back.
 */
const BUSY_AFTER = { browsing: 1.5, load: 4.5, settledLoad: 13.5 };

/**
 * While requests come, the load governor is told their rate at least this often, not only at samples:
 * on a big heap under load the samples are V8's own rare major GCs (0.5 per 1000 requests measured at
 * ~465 MB), so a governor fed only there went coarse late in each load.
 */
const LOAD_CHECK_MS = 1000;

/** Under sustained load, the timers and handles of one request in this many are tracked. */
const WATCH_ONE_IN_UNDER_LOAD = 10;

/** A route's requests (this epoch) before request markers place what its requests allocate. */
const MARKER_WARMUP_REQUESTS = 15;

/** At most this factor between a read's requests of a route and those its markers placed. */
const MAX_MARKED_SCALE = 4;

/** Requests of every route the process-wide unplaced growth is estimated over. */
const UNPLACED_WINDOW = 200;

/** Post-GC samples kept for sparklines: two minutes at the default interval. */
const HISTORY_LENGTH = 120;

/** Route ids come from the file system, so this only guards against something odd upstream. */
const MAX_ROUTES = 1000;
const NO_HANDLES: HandlesOfRoute = { handles: 0, handleSites: [], handleVerdict: 'ok', handlesPerRequest: 0, handlesFlaggedAt: null };

/**
 * Per-route retention, end to end: requests in, post-GC samples taken between them, an estimate per
 * route, and a verdict change reported once when a route starts or stops leaking.
 */
export class Monitor {
	readonly sampler: IdleSampler<Map<string, LiveBytes> | undefined>;
	#options: MonitorOptions;
	#estimator: RetentionEstimator;
	#routes = new Map<string, RouteState>();
	#epoch = 0;
	#samples = 0;
	#lastSample: HeapSample | null = null;
	#history = new RingBuffer<{ at: number; heapUsed: number; external: number }>(HISTORY_LENGTH);
	#baseline: (HeapSample & { epoch: number }) | null = null;
	#pendingCounts = new Map<string, number>();
	#pendingSurvivors = new Map<string, number>();
	#pendingWarm = false;
	#started = 0;
	#allocations: AllocationSampler | undefined;
	/** Live sampled bytes per key at the previous sample of this epoch. */
	#lastLive: Map<string, LiveBytes> | null = null;
	#handles: HandleTracker | undefined;
	#scope: ScopeWatch | undefined;
	#shared: SharedSources;
	#governor: LoadGovernor;
	/** Heap growth no allocation sample placed, against requests of every route, over this epoch's quiet intervals. */
	#unplaced = new LiveBytesTrend();
	#unplacedTotals = { bytes: 0, requests: 0 };
	/** Requests per route key that ended since the last profile read. */
	#sinceRead = new Map<string, number>();
	/** Place what requests that ran alone allocated with no route file on the stack (see request-markers.ts). */
	#markers = new RequestMarkers();
	/** At the latest sample, every route that took requests since the one before had an `ok` verdict. */
	#settled = false;
	/** Top-level route requests since the governor last saw the rate, and when that was. */
	#load = { requests: 0, since: performance.now() };
	/** The sampling interval changed since the last sample: the interval up to the next one is not comparable. */
	#resampled = false;
	/** Sampling stays fine whatever the request rate (sampleFinelyUnderLoad). */
	#fineUnderLoad = false;

	constructor(options: MonitorOptions) {
		this.#options = options;
		monitorStarted(this);
		try {
			this.#allocations = new AllocationSampler(options.classifyScript, options.allocationSamplingInterval, options.isAppCode);
		} catch (error) {
			// Without it, attribution falls back to regression on request counts alone.
			options.onError(error);
		}
		this.#estimator = new RetentionEstimator({ window: options.window, minIntervals: 3, capacity: 512 });
		this.#governor = new LoadGovernor(options.allocationSamplingInterval);
		this.#shared = new SharedSources({
			...options,
			samplingInterval: () => this.#governor.interval,
			trendWindow: () => this.#governor.trendWindow(options.window),
			onFindingChange: (finding, previous) => options.onFindingChange?.(finding, previous)
		});
		this.sampler = new IdleSampler({
			intervalMs: options.sampleInterval,
			busyAfterMs: () => this.#busySampleAfterMs(),
			collect: () => this.#collect(),
			onSample: (sample, live) => this.#onSample(sample, live),
			detach: (fn) => requestStorage.exit(fn),
			onError: (error) => options.onError(error)
		});
		if (options.handles) this.#startHandleTracking(options.handles);
		if (options.scope) {
			const { classifyScript, onFindingChange, onError } = options;
			const { root, importersOf } = options.scope;
			this.#scope = new ScopeWatch({ root, importersOf, tooling: options.handles?.tooling ?? [], classifyScript, onFindingChange, onError });
		}
	}

	get epoch(): number {
		return this.#epoch;
	}

	/** A request entered the dev server. Call end() when its response finished or closed. */
	begin(method: string): RequestContext {
		// Alone: nothing else in flight that counts (an open SSE stream or long poll does not, see in-flight.ts).
		const alone = this.sampler.inFlight === 0;
		// Marked before memory is read: its marker is not part of its own heap delta.
		// Not while a retainer capture runs: markers made between its snapshots would be the growth it reports.
		const marker = this.#markers.started(
			this.#options.requestMarkers === true && alone && !this.#governor.coarse && this.#allocations !== undefined && !samplingIntervalHeld()
		);
		const context = this.#context(method, this.#readBefore(alone), this.#handles?.watch() ?? false);
		if (marker !== undefined) context.marker = marker;
		this.sampler.started(context);
		return context;
	}

	/** An `event.fetch` to the app itself, handled in-process inside its parent: not a new request in flight. */
	beginSubRequest(method: string): RequestContext {
		return this.#context(method, this.#readBefore(false), requestStorage.getStore()?.watchHandles ?? false);
	}

	/**
	 * Memory as a request starts. Only a request that runs alone has figures of its own (its Buffers
	 * can be measured, see end()), so only then is the full memory read worth its cost. Under sustained
	 * load requests overlap and no per-request figure means anything: nothing is read. Measured in
	 * a loaded dev server, begin() and end() took 13 µs a request with the reads, 4 µs without.
	 */
	#readBefore(alone: boolean): MemoryAtStart {
		if (this.#governor.coarse) return null;
		return alone ? readMemory() : readHeap();
	}

	#context(method: string, before: MemoryAtStart, watchHandles: boolean): RequestContext {
		return { method, startedAt: performance.now(), before, sequence: ++this.#started, watchHandles };
	}

	/** `aborted`: the client went away before the response finished ('close' came without 'finish'). */
	end(context: RequestContext, status: number, aborted = false): void {
		try {
			const route = context.route ?? context.fallbackRoute;
			this.#markers.ended(context.marker, route ? this.#markerKey(routeKey(route.id)) : null);
			this.#handles?.requestEnded(context, route ? routeKey(route.id) : undefined);
			if (route) {
				const summary = this.#summarize(context, status, false, aborted);
				this.#record(route.id, summary);
				this.#countLoad();
				const arrayBuffers = context.before?.arrayBuffers ?? null;
				if (arrayBuffers !== null && summary.arrayBuffersDeltaBytes! >= BUFFER_CHECK_BYTES && context.sequence === this.#started) {
					this.#measureBufferSurvivors(routeKey(route.id), arrayBuffers);
				}
			}
		} finally {
			if (context.watchHandles) this.#handles?.unwatch();
			this.sampler.ended(context);
		}
	}

	/** The sub-request ended: counted for its own route, its memory measured once (in its interval). */
	endSubRequest(id: string | null, context: RequestContext, status: number): void {
		this.#record(id, this.#summarize(context, status, true, false));
		this.#handles?.requestEnded(context, routeKey(id));
	}

	/** Server code was edited: its modules are new instances, so measure anew (with warm-up). */
	newEpoch(replacedFiles: ReadonlySet<string> = new Set()): void {
		this.#epoch++;
		const stale = this.#handles?.modulesReplaced(replacedFiles, this.#epoch);
		if (stale?.length) this.#options.handles!.onStale(stale);
		this.#baseline = null;
		this.#lastLive = null;
		this.#pendingCounts.clear();
		this.#sinceRead.clear();
		this.#pendingSurvivors.clear();
		this.#pendingWarm = false;
		this.#settled = false;
		for (const route of this.#routes.values()) route.epochRequests = 0;
		this.#restartTrends();
	}

	report(): Report {
		const routes: RouteReport[] = [];
		for (const route of this.#routes.values()) {
			if (!this.#options.isIgnored(route.id)) routes.push(this.#describe(route));
		}
		routes.sort((a, b) => b.retainedBytesPerRequest - a.retainedBytesPerRequest);
		const last = this.#lastSample;
		return {
			version: 1,
			epoch: this.#epoch,
			samples: this.#samples,
			lastSample: last && { heapUsed: last.heapUsed, external: last.external, arrayBuffers: last.arrayBuffers, at: last.at, gcMs: last.gcMs },
			sampling: { underLoad: this.#governor.coarse, allocationIntervalBytes: this.#governor.interval, busySampleAfterMs: this.#busySampleAfterMs() },
			history: [...this.#history.newestFirst()].reverse(),
			routes,
			staleHandles: this.#handles?.staleSites() ?? [],
			process: processReport(),
			unplaced: this.#unplacedEstimate(),
			findings: [
				...this.#shared
					.report()
					.filter((finding) => finding.verdict !== 'warming' || finding.retainedBytesPerRequest > 0)
					.map((finding) => (this.#scope ? { ...finding, keptBy: this.#scope.keptBy(`${finding.kind}:${finding.file}`) } : finding)),
				...(this.#scope?.sharedState.report() ?? [])
			]
		};
	}

	close(): void {
		monitorClosed(this);
		this.sampler.close();
		this.#allocations?.close();
		this.#handles?.close();
		this.#scope?.close();
	}

	#startHandleTracking(options: NonNullable<MonitorOptions['handles']>): void {
		this.#handles = new HandleTracker({
			root: options.root,
			tooling: options.tooling,
			graceMs: options.graceMs,
			onError: this.#options.onError,
			onVerdictChange: (key) => {
				const route = this.#routes.get(key);
				if (route && !this.#options.isIgnored(route.id)) options.onVerdictChange(this.#describe(route));
			}
		});
		this.#handles.start();
	}

	#summarize(context: RequestContext, status: number, subRequest: boolean, aborted: boolean): RequestSummary {
		const durationMs = performance.now() - context.startedAt;
		return { method: context.method, status, aborted, durationMs, ...memoryDeltasSince(context.before), subRequest };
	}

	#record(id: string | null, summary: RequestSummary): void {
		const key = routeKey(id);
		let route = this.#routes.get(key);
		if (!route) {
			if (this.#routes.size >= MAX_ROUTES) return;
			route = {
				id,
				requests: 0,
				epochRequests: 0,
				verdict: 'warming',
				trend: new LiveBytesTrend(),
				sources: [],
				turnover: 0,
				lastingTurnover: 0,
				estimate: undefined,
				firstFlaggedAt: null,
				last: null,
				aborted: 0,
				changedSinceEstimate: false
			};
			this.#routes.set(key, route);
		}
		// A new route, one still warming or one that leaks brings busy samples back to the faster rate.
		if (route.verdict !== 'ok') this.#settled = false;
		route.requests++;
		route.epochRequests++;
		route.last = summary;
		if (summary.aborted) route.aborted++;
		route.changedSinceEstimate = true;
		if (route.epochRequests <= this.#options.warmupRequests) this.#pendingWarm = true;
		this.#pendingCounts.set(key, (this.#pendingCounts.get(key) ?? 0) + 1);
		this.#sinceRead.set(key, (this.#sinceRead.get(key) ?? 0) + 1);
	}

	/**
	 * The full GC of a forced sample. Reading V8's sampling profile forces one (the inspector starts
	 * sampling with kSamplingForceGC; measured: each getSamplingProfile shows as a major GC as long as
	 * gc()), so with allocation sampling on, that read is the GC: a second one would double the cost.
	 * The profile's own objects are young garbage once read, and a minor GC clears them before the heap
	 * is measured. When and how often this runs is the sampler's GC budget (heap/gc-budget.ts).
	 */
	#collect(): Map<string, LiveBytes> | undefined {
		const live = this.#readLiveBytes();
		if (live) forceMinorGc();
		else forceGc();
		return live;
	}

	#onSample(measured: HeapSample, live: Map<string, LiveBytes> | undefined): void {
		// Open request markers were alive at this GC: they are ours, not the app's.
		const sample = { ...measured, heapUsed: measured.heapUsed - this.#markers.openBytes };
		if (live) this.#markers.release();
		this.#samples++;
		// Sampling changed between the previous sample and this one: this interval's figures mix two rates.
		const resampled = this.#resampled;
		this.#resampled = false;
		this.#lastSample = sample;
		this.#history.push({ at: sample.at, heapUsed: sample.heapUsed, external: sample.external });
		const baseline = this.#baseline;
		if (baseline && baseline.epoch === this.#epoch && this.#pendingCounts.size > 0) {
			// What the allocation samples already attribute is taken out; the regression gets the rest
			// (memory outside the JS heap, allocations with no route file on their stack).
			let attributed = 0;
			if (live && this.#lastLive) {
				for (const key of new Set([...live.keys(), ...this.#lastLive.keys()])) {
					// Growth nothing could place is left to the regression below.
					if (key === UNPLACED) continue;
					attributed += (live.get(key)?.live ?? 0) - (this.#lastLive.get(key)?.live ?? 0);
				}
			}
			const unattributedHeapBytes = sample.heapUsed - baseline.heapUsed - attributed;
			const busy = sample.busy || baseline.busy || resampled;
			if (!this.#pendingWarm && !busy) {
				this.#unplacedTotals.bytes += unattributedHeapBytes;
				for (const count of this.#pendingCounts.values()) this.#unplacedTotals.requests += count;
				this.#unplaced.add({ requests: this.#unplacedTotals.requests, liveBytes: this.#unplacedTotals.bytes, turnover: 0 });
			}
			this.#estimator.add({
				epoch: this.#epoch,
				unattributedHeapBytes,
				externalDeltaBytes: sample.external - baseline.external,
				counts: this.#pendingCounts,
				bufferSurvivors: this.#pendingSurvivors,
				warm: this.#pendingWarm,
				busy
			});
		}
		this.#baseline = { ...sample, epoch: this.#epoch };
		// A natural sample (V8's own GC) reads no allocation profile: the growth it missed is counted
		// at the next forced one, against the last profile read.
		this.#lastLive = live ?? this.#lastLive;
		if (live) {
			for (const [key, route] of this.#routes) {
				const bytes = live.get(key);
				route.turnover += bytes?.turnover ?? 0;
				route.lastingTurnover += bytes?.lastingTurnover ?? 0;
				if (route.epochRequests >= this.#options.warmupRequests && route.epochRequests > 0) {
					route.trend.add({
						requests: route.epochRequests,
						liveBytes: (bytes?.live ?? 0) + (bytes?.extrapolated ?? 0),
						turnover: route.turnover,
						lastingTurnover: route.lastingTurnover,
						sites: bytes?.sites
					});
				}
			}
			try {
				this.#shared.update(live, (prefix) => this.#requestsUnder(prefix));
			} catch (error) {
				this.#options.onError(error);
			}
		}
		try {
			this.#scope?.sample((owner) => this.#requestsOf(owner), this.#pendingCounts);
		} catch (error) {
			this.#options.onError(error);
		}
		const active = [...this.#pendingCounts.keys()];
		this.#pendingCounts = new Map();
		this.#pendingSurvivors = new Map();
		this.#pendingWarm = false;
		this.#updateVerdicts();
		if (active.length > 0) this.#settled = this.#allSettled(active) && !resampled;
		// After this sample's profile is used, so that a change of rate starts the next interval clean.
		this.#observeLoad();
	}

	#busySampleAfterMs(): number {
		const factor = !this.#governor.coarse ? BUSY_AFTER.browsing : this.#settled ? BUSY_AFTER.settledLoad : BUSY_AFTER.load;
		return factor * this.#options.sampleInterval;
	}

	/** Every route among `keys` is `ok` (or ignored), and no shared source is flagged. */
	#allSettled(keys: string[]): boolean {
		for (const key of keys) {
			const route = this.#routes.get(key);
			if (route && route.verdict !== 'ok' && !this.#options.isIgnored(route.id)) return false;
		}
		return !this.#shared.anyLeaking();
	}

	/** Growth per request that nothing placed, over the last few hundred requests of every route. */
	#unplacedEstimate(): Report['unplaced'] {
		const estimate = this.#unplaced.estimate(Math.max(UNPLACED_WINDOW, this.#options.window), this.#governor.interval);
		return estimate
			? { bytesPerRequest: Math.round(estimate.bytesPerRequest), standardError: Math.round(estimate.standardError), requests: estimate.requests }
			: null;
	}

	/** Live-bytes trends start over: after an edit (new module instances) or a sampling restart. */
	#restartTrends(): void {
		this.#unplaced.clear();
		this.#unplacedTotals = { bytes: 0, requests: 0 };
		for (const route of this.#routes.values()) {
			route.trend.clear();
			route.turnover = 0;
			route.lastingTurnover = 0;
		}
		this.#shared.restartTrends();
	}

	/** A request (not an `event.fetch` sub-request: a page with three is one request of a person's) ended. */
	#countLoad(): void {
		this.#load.requests++;
		if (performance.now() - this.#load.since >= LOAD_CHECK_MS) this.#observeLoad();
	}

	/**
	 * Tells the governor the request rate since it last saw it; under sustained load, allocations are
	 * sampled more coarsely (and finer again after), and trends restart.
	 */
	#observeLoad(): void {
		const now = performance.now();
		const { requests, since } = this.#load;
		this.#load = { requests: 0, since: now };
		if (this.#fineUnderLoad || !this.#allocations || !this.#governor.observe(requests, now - since)) return;
		try {
			this.#allocations.restart(this.#governor.interval);
		} catch (error) {
			this.#options.onError(error);
		}
		this.#handles?.watchOneIn(this.#governor.coarse ? WATCH_ONE_IN_UNDER_LOAD : 1);
		this.#lastLive = null;
		this.#resampled = true;
		this.#restartTrends();
		this.#options.onSamplingChange?.(this.#governor.interval, this.#governor.coarse);
	}

	/**
	 * Keeps allocation sampling fine whatever the request rate. For `heapwatch check`, whose traffic is
	 * the measurement, sent as fast as the server answers: coarse sampling (what keeps a person's dev
	 * server usable under a load test) left every clean lab route `undecided` after 300 requests, each
	 * estimate ±3.6-4.2 KB against a 2 KB threshold (measured over the lab's 36 targets).
	 */
	sampleFinelyUnderLoad(): void {
		this.#fineUnderLoad = true;
	}

	/** This epoch's requests of the routes under a route id prefix ('' for all pages); null for every request. */
	#requestsUnder(prefix: string | null): number {
		let total = 0;
		for (const route of this.#routes.values()) {
			const under = prefix === null || (route.id !== null && (prefix === '' || route.id === prefix || route.id.startsWith(`${prefix}/`)));
			if (under) total += route.epochRequests;
		}
		return total;
	}

	/**
	 * All requests so far of a route key, or of the routes a hooks or layout file runs under. Not this
	 * epoch's: an edit elsewhere leaves a module's collections as they were (a replaced module starts
	 * over on its own, see ScopeWatch).
	 */
	#requestsOf(owner: string): number {
		const prefix = ownerPrefix(owner);
		if (prefix === undefined) return this.#routes.get(owner)?.requests ?? 0;
		let total = 0;
		for (const route of this.#routes.values()) {
			if (prefix === null || (route.id !== null && (prefix === '' || route.id === prefix || route.id.startsWith(`${prefix}/`)))) total += route.requests;
		}
		return total;
	}

	#updateVerdicts(): void {
		for (const [key, route] of this.#routes) {
			if (!route.changedSinceEstimate) continue;
			route.changedSinceEstimate = false;
			const trend = route.trend.estimate(this.#governor.trendWindow(this.#options.window), this.#governor.interval);
			route.estimate = combine(trend, this.#estimator.estimate(key, this.#epoch)) ?? route.estimate;
			route.sources = allocationSources(route.trend, this.#options);
			const previous = route.verdict;
			const heap = nextVerdict(previous, route.estimate, this.#options);
			// What module scope shows: a tiny leak by entry count, a bounded cache that fills (see scope-watch).
			route.verdict = this.#scope?.verdictOf(key, heap, previous, this.#governor.trendWindow(this.#options.window)) ?? heap;
			if (route.verdict === previous) continue;
			if (route.verdict === 'leak') route.firstFlaggedAt ??= route.requests;
			if (!this.#options.isIgnored(route.id) && (previous !== 'warming' || route.verdict === 'leak')) {
				this.#options.onVerdictChange(this.#describe(route), previous);
			}
		}
	}

	/**
	 * Where a marked request's allocations go: its route, once past the route's first requests. Those
	 * fill the lazy caches of the libraries it uses, in steps a trend of a few points reads as a slope
	 * (Kit 2 on Node 20: ~100 KB between an endpoint's 7th and 13th request, no app code on the stack).
	 */
	#markerKey(key: string): string | null {
		return (this.#routes.get(key)?.epochRequests ?? 0) >= MARKER_WARMUP_REQUESTS ? key : null;
	}

	/**
	 * Markers place what the requests that had one allocated; the others (past MAX_OPEN markers between
	 * two reads, requests that overlapped, the last one before the read) go unplaced. Each sample a
	 * read places stands for that read's requests of its route over the marked ones (at most
	 * MAX_MARKED_SCALE), for as long as it lives: weighted when it appears and when it dies alike, so
	 * the slope comes from what stays, not from a ratio that changes between reads.
	 */
	#markerWeights(): MarkerWeightOfKey {
		const placed = this.#markers.placedRequests();
		const requests = new Map(this.#sinceRead);
		this.#sinceRead.clear();
		return (key) => {
			const marked = placed.get(key) ?? 0;
			return marked > 0 ? Math.min(MAX_MARKED_SCALE, Math.max(1, (requests.get(key) ?? 0) / marked)) : 1;
		};
	}

	#measureBufferSurvivors(key: string, arrayBuffersBefore: number): void {
		const kept = Math.max(0, arrayBuffersAfterMinorGc() - arrayBuffersBefore);
		this.#pendingSurvivors.set(key, (this.#pendingSurvivors.get(key) ?? 0) + kept);
	}

	#readLiveBytes(): Map<string, LiveBytes> | undefined {
		if (!this.#allocations) return undefined;
		try {
			return this.#allocations.liveBytesByKey(this.#markers.keyOfSize(), this.#markerWeights());
		} catch (error) {
			this.#options.onError(error);
			return undefined;
		}
	}

	#describe(route: RouteState): RouteReport {
		return {
			id: route.id,
			requests: route.requests,
			verdict: route.verdict,
			retainedBytesPerRequest: Math.round(route.estimate?.bytesPerRequest ?? 0),
			externalBytesPerRequest: Math.round(route.estimate?.externalBytesPerRequest ?? 0),
			estimateRequests: route.estimate?.requests ?? 0,
			retainedStandardError: standardErrorOf(route.estimate),
			firstFlaggedAt: route.firstFlaggedAt,
			...(this.#handles?.describe(routeKey(route.id)) ?? NO_HANDLES),
			abortedRequests: route.aborted,
			uncertain: route.verdict === 'ok' && (route.estimate?.bytesPerRequest ?? 0) >= this.#options.leakThreshold,
			sources: route.sources,
			file: this.#options.fileOf(route.id),
			last: route.last,
			history: route.trend.recent(60),
			...(this.#scope && { keptBy: this.#scope.keptBy(routeKey(route.id), route.estimate?.bytesPerRequest) })
		};
	}
}

function standardErrorOf(estimate: RouteEstimate | undefined): number | null {
	return estimate && Number.isFinite(estimate.standardError) ? Math.round(estimate.standardError) : null;
}

/**
 * The route's own allocations (sampled, exact in kind, request markers included) and the Buffers it
 * keeps. Heap growth that sampling could not place is not the route's: a regression of it on request
 * counts flagged clean routes of a real app (236 KB per request on a page returning Date.now(), with
 * no source), so it is reported process-wide instead (Report.unplaced).
 */
function combine(trend: TrendEstimate | undefined, rest: RetentionEstimate | undefined): RouteEstimate | undefined {
	if (!trend && !rest) return undefined;
	const external = rest?.externalBytesPerRequest ?? 0;
	return {
		bytesPerRequest: (trend?.bytesPerRequest ?? 0) + external,
		standardError: Math.hypot(trend?.standardError ?? 0, external > 0 ? rest!.externalStandardError : 0),
		externalBytesPerRequest: external,
		requests: trend?.requests ?? rest!.requests
	};
}
