import { readHeap, readMemory, type MemoryAtStart } from './heap/memory.ts';
import { arrayBuffersAfterMinorGc } from './heap/gc.ts';
import { collectForcedSample } from './heap/forced-sample.ts';
import { IdleSampler, type HeapSample } from './heap/idle-sampler.ts';
import { AllocationSampler } from './heap/allocation-sampler.ts';
import type { LiveBytes } from './heap/live-bytes-tally.ts';
import { SampleSchedule } from './heap/sample-schedule.ts';
import { SampleHistory } from './heap/sample-history.ts';
import { SampleIntervals } from './estimator/sample-intervals.ts';
import { outsideRequests } from './request/outside-requests.ts';
import { requestStorage, summarizeRequest, type RequestContext } from './request/request-context.ts';
import { MarkedRequests } from './request/marked-requests.ts';
import { routeKey } from './protocol/naming.ts';
import { HandleTracker } from './handles/handle-tracker.ts';
import type { FindingReport, Report, RequestSummary, RouteReport, Verdict } from './protocol/report.ts';
import type { SubjectOptions } from './findings/subject-verdict.ts';
import { SharedSources } from './findings/shared-sources.ts';
import { UnplacedGrowth } from './findings/unplaced-growth.ts';
import { RouteTable, type RouteState } from './routes/route-table.ts';
import { updateRouteVerdicts } from './routes/route-verdicts.ts';
import { describeRoute } from './routes/route-report.ts';
import { monitorClosed, monitorStarted } from './process/monitors.ts';
import { samplingIntervalHeld } from './process/sampling-profiler.ts';
import { ScopeWatch } from './scope/scope-watch.ts';
import type { MonitorOptions } from './monitor-options.ts';
import { MonitorEvents } from './events/monitor-events.ts';
import { monitorReport, withKeptBy } from './monitor-report.ts';

export type { MonitorOptions } from './monitor-options.ts';

/**
 * A request that grew ArrayBuffer memory by this much gets a minor GC (well under a millisecond) to
 * see how much of it outlived the request: memory outside the V8 heap that sampling cannot see.
 */
const BUFFER_CHECK_BYTES = 8 * 1024;

/** Emitted at the end of every request and on every handle change: one object, not one each time. */
const CHANGED = { type: 'changed' } as const;

/** Under sustained load, the timers and handles of one request in this many are tracked. */
const WATCH_ONE_IN_UNDER_LOAD = 10;

/**
 * Per-route retention, end to end: requests in, post-GC samples taken between them, an estimate per
 * route, and a verdict change told once (on `events`) when a route starts or stops leaking. This class
 * wires the parts together; each part is its own module (routes/, estimator/, heap/, findings/, scope/).
 */
export class Monitor {
	readonly sampler: IdleSampler<Map<string, LiveBytes> | undefined>;
	/** Everything the monitor finds, and every change of its report: subscribe, never poll. */
	readonly events: MonitorEvents;
	#options: MonitorOptions;
	/** What routes and shared files are judged with: the options and the sampling in force. */
	#judging: MonitorOptions & SubjectOptions;
	#routes: RouteTable;
	#intervals: SampleIntervals;
	#schedule: SampleSchedule;
	#marked = new MarkedRequests();
	#epoch = 0;
	#started = 0;
	#history = new SampleHistory();
	#allocations: AllocationSampler | undefined;
	#handles: HandleTracker | undefined;
	#scope: ScopeWatch | undefined;
	#shared: SharedSources;
	#unplaced: UnplacedGrowth;

	constructor(options: MonitorOptions) {
		this.#options = options;
		this.events = new MonitorEvents(options.onError);
		this.#routes = new RouteTable(options.routePrefixOf);
		monitorStarted(this);
		try {
			this.#allocations = new AllocationSampler(options.classifyScript, options.allocationSamplingInterval, options.isAppCode);
		} catch (error) {
			// Without it, attribution falls back to regression on request counts alone.
			options.onError(error);
		}
		this.#intervals = new SampleIntervals(options.window);
		this.#schedule = new SampleSchedule({ ...options, allocationsSampled: this.#allocations !== undefined, onResample: () => this.#samplingChanged() });
		this.#judging = { ...options, samplingInterval: () => this.#schedule.interval, trendWindow: () => this.#schedule.trendWindow(options.window) };
		const onFindingChange = (finding: FindingReport, previous: Verdict) => this.events.emit({ type: 'finding', finding, previous });
		// The terminal's warning names what keeps a shared file's memory, as the report does.
		this.#shared = new SharedSources({ ...this.#judging, onFindingChange: (finding, previous) => onFindingChange(withKeptBy(finding, this.#scope), previous) });
		this.#unplaced = new UnplacedGrowth({ ...this.#judging, onChange: (unplaced, previous) => this.events.emit({ type: 'unplaced', unplaced, previous }) });
		this.sampler = new IdleSampler({
			intervalMs: options.sampleInterval,
			busyAfterMs: () => this.#schedule.busySampleAfterMs(),
			collect: () => collectForcedSample(this.#allocations && (() => this.#marked.liveBytesByKey(this.#allocations!)), options.onError),
			onSample: (sample, live) => this.#onSample(sample, live),
			detach: outsideRequests,
			onError: (error) => options.onError(error),
			onLongPause: (pause) => this.events.emit({ type: 'long-gc', pause })
		});
		if (options.handles) this.#startHandleTracking(options.handles);
		if (options.scope) {
			const { classifyScript, routePrefixOf, onError } = options;
			this.#scope = new ScopeWatch({ ...options.scope, routePrefixOf, tooling: options.handles?.tooling ?? [], classifyScript, onFindingChange, onError });
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
		const marker = this.#marked.started(
			this.#options.requestMarkers === true && alone && !this.#schedule.coarse && this.#allocations !== undefined && !samplingIntervalHeld()
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
		if (this.#schedule.coarse) return null;
		return alone ? readMemory() : readHeap();
	}

	#context(method: string, before: MemoryAtStart, watchHandles: boolean): RequestContext {
		return { method, startedAt: performance.now(), before, sequence: ++this.#started, watchHandles };
	}

	/** `aborted`: the client went away before the response finished ('close' came without 'finish'). */
	end(context: RequestContext, status: number, aborted = false): void {
		try {
			const route = context.route;
			const key = route ? routeKey(route.id) : null;
			this.#marked.ended(context.marker, key, key === null ? 0 : (this.#routes.get(key)?.epochRequests ?? 0));
			this.#handles?.requestEnded(context, key ?? undefined);
			if (route) {
				const summary = summarizeRequest(context, status, false, aborted);
				this.#record(route.id, summary);
				this.#schedule.requestEnded();
				const arrayBuffers = context.before?.arrayBuffers ?? null;
				// Ran alone (no request overlapped it): what it left past a minor GC, or nothing worth the GC.
				if (arrayBuffers !== null && context.sequence === this.#started) {
					const grew = summary.arrayBuffersDeltaBytes! >= BUFFER_CHECK_BYTES;
					this.#intervals.survived(routeKey(route.id), grew ? Math.max(0, arrayBuffersAfterMinorGc() - arrayBuffers) : 0);
				}
			}
		} finally {
			if (context.watchHandles) this.#handles?.unwatch();
			this.sampler.ended(context);
			this.events.emit(CHANGED);
		}
	}

	/** The sub-request ended: counted for its own route, its memory measured once (in its interval). */
	endSubRequest(id: string | null, context: RequestContext, status: number): void {
		this.#record(id, summarizeRequest(context, status, true, false));
		this.#handles?.requestEnded(context, routeKey(id));
		this.events.emit(CHANGED);
	}

	/** Server code was edited: its modules are new instances, so measure anew (with warm-up). */
	newEpoch(replacedFiles: ReadonlySet<string> = new Set()): void {
		this.#epoch++;
		const stale = this.#handles?.modulesReplaced(replacedFiles, this.#epoch);
		if (stale?.length) this.events.emit({ type: 'stale-handles', sites: stale });
		this.#intervals.newEpoch();
		this.#marked.newEpoch();
		this.#schedule.unsettle();
		this.#routes.newEpoch();
		this.#restartTrends();
		this.events.emit(CHANGED);
	}

	report(): Report {
		return monitorReport({
			epoch: this.#epoch,
			options: this.#options,
			routes: this.#routes,
			describe: (route) => this.#describe(route),
			samples: this.#history,
			schedule: this.#schedule,
			quietSpellsOnly: this.sampler.quietSpellsOnly,
			unplaced: this.#unplaced,
			handles: this.#handles,
			scope: this.#scope,
			shared: this.#shared
		});
	}

	/**
	 * Keeps allocation sampling fine whatever the request rate. For `heapwatch check`, whose traffic is
	 * the measurement, sent as fast as the server answers: coarse sampling (what keeps a person's dev
	 * server usable under a load test) left every clean lab route `undecided` after 300 requests, each
	 * estimate ±3.6-4.2 KB against a 2 KB threshold (measured over the lab's 36 targets).
	 */
	sampleFinelyUnderLoad(): void {
		this.#schedule.sampleFinelyUnderLoad();
	}

	close(): void {
		monitorClosed(this);
		this.sampler.close();
		this.#allocations?.close();
		this.#handles?.close();
		this.#scope?.close();
		this.events.close();
	}

	#startHandleTracking(options: NonNullable<MonitorOptions['handles']>): void {
		this.#handles = new HandleTracker({
			root: options.root,
			tooling: options.tooling,
			graceMs: options.graceMs,
			onError: this.#options.onError,
			onVerdictChange: (key) => {
				const route = this.#routes.get(key);
				if (route && !this.#options.isIgnored(route.id)) this.events.emit({ type: 'route-handles', route: this.#describe(route) });
			},
			onChange: () => this.events.emit(CHANGED)
		});
		this.#handles.start();
	}

	#record(id: string | null, summary: RequestSummary): void {
		const route = this.#routes.record(id, summary);
		if (!route) return;
		// A new route, one still warming or one that leaks brings busy samples back to the faster rate.
		if (route.verdict !== 'ok') this.#schedule.unsettle();
		const key = routeKey(id);
		this.#intervals.counted(key, route.epochRequests <= this.#options.warmupRequests);
		this.#marked.counted(key);
	}

	#onSample(measured: HeapSample, live: Map<string, LiveBytes> | undefined): void {
		// Open request markers were alive at this GC: they are ours, not the app's.
		const sample = { ...measured, heapUsed: measured.heapUsed - this.#marked.openBytes };
		if (live) this.#marked.release();
		this.#history.push(sample);
		const resampled = this.#schedule.takeResampled();
		const unplaced = this.#intervals.add(sample, live, this.#epoch, resampled);
		if (unplaced) this.#unplaced.add(unplaced.bytes, unplaced.requests);
		if (live) {
			this.#routes.addTrendPoints(live, this.#options.warmupRequests);
			try {
				this.#shared.update(live, (prefix) => this.#routes.requestsUnder(prefix));
			} catch (error) {
				this.#options.onError(error);
			}
		}
		try {
			this.#scope?.sample((owner) => this.#routes.requestsOf(owner), this.#intervals.pendingCounts);
		} catch (error) {
			this.#options.onError(error);
		}
		const active = this.#intervals.endInterval();
		updateRouteVerdicts({
			routes: this.#routes,
			options: this.#judging,
			onVerdictChange: (route, previous) => this.events.emit({ type: 'route-verdict', route, previous }),
			regression: (key) => this.#intervals.estimate(key, this.#epoch),
			scope: this.#scope,
			describe: (route) => this.#describe(route)
		});
		// Every route that took requests since the last sample is `ok` (or ignored), and no shared source is flagged.
		if (active.length > 0) this.#schedule.settle(this.#routes.allOk(active, (id) => this.#options.isIgnored(id)) && !this.#shared.anyLeaking() && !resampled);
		// After this sample's profile is used, so that a change of rate starts the next interval clean.
		this.#schedule.observeLoad();
		this.events.emit(CHANGED);
	}

	/** Allocation sampling went coarser under sustained load, or back: what was measured at the old rate starts over. */
	#samplingChanged(): void {
		try {
			this.#allocations!.restart(this.#schedule.interval);
		} catch (error) {
			this.#options.onError(error);
		}
		this.#handles?.watchOneIn(this.#schedule.coarse ? WATCH_ONE_IN_UNDER_LOAD : 1);
		this.#intervals.forgetLive();
		this.#restartTrends();
		this.events.emit({ type: 'sampling', interval: this.#schedule.interval, coarse: this.#schedule.coarse });
	}

	/** Live-bytes trends start over: after an edit (new module instances) or a sampling restart. */
	#restartTrends(): void {
		this.#unplaced.restartTrends();
		this.#routes.restartTrends();
		this.#shared.restartTrends();
	}

	#describe(route: RouteState): RouteReport {
		return describeRoute(route, { options: this.#options, handles: this.#handles, scope: this.#scope });
	}
}
