import { HandleTracker, MajorGcs, RetentionEstimator, requestStorage, type MajorGc, type RequestContext } from '@heapwatch/core';
import { leaks } from './leak-verdict.ts';
import { readRetainedMemory } from './retained-memory.ts';
import type { ResolvedProductionOptions } from './options.ts';

/** What one route's figures are now, as the metrics report them. */
export interface RouteFigures {
	route: string;
	/** Requests started since the server started. */
	requests: number;
	/** Bytes kept per request past V8's major GCs (heap and Buffers); undefined until the regression can tell routes apart. */
	retainedBytesPerRequest: number | undefined;
	/** Its standard error: the estimate's honest uncertainty. */
	retainedStandardError: number | undefined;
	leak: boolean;
	/** Resources of watched requests still alive and ref'd past the grace period; undefined when handles are not tracked. */
	liveHandles: number | undefined;
}

/** GC intervals kept for the regression, all routes together: a few hundred numbers each. */
const INTERVAL_CAPACITY = 256;
/** Never fewer GC intervals than this under one estimate, so that one noisy interval cannot decide. */
const MIN_INTERVALS = 6;
/** Routes tracked at most: Kit's route ids are a fixed set, this only bounds memory if something odd keys them. */
const MAX_ROUTES = 500;

interface RouteState {
	requests: number;
	estimate: { bytes: number; standardError: number } | undefined;
	leak: boolean;
}

/**
 * Per-route retained memory in a production server, with no GC or snapshot of ours: each major GC
 * that V8 runs anyway closes an interval, whose change of post-GC memory (heap plus what Buffers hold)
 * is regressed on the routes' request counts in it (non-negative least squares, the dev plugin's
 * estimator). Requests are counted as they start: one still running at a GC has its memory in that
 * sample, as the requests that run then at any GC do, which the regression takes as noise (its
 * standard error says how much).
 */
export class RouteMonitor {
	#options: ResolvedProductionOptions;
	#gcs: MajorGcs;
	#estimator: RetentionEstimator;
	#routes = new Map<string, RouteState>();
	/** Requests per route since the last sample. */
	#counts = new Map<string, number>();
	/** The current interval holds a route's warm-up request. */
	#warm = false;
	#last: { heap: number; external: number } | undefined;
	#heapAfterGc: number | undefined;
	#handles: HandleTracker | undefined;
	#sequence = 0;

	constructor(options: ResolvedProductionOptions, onError: (error: unknown) => void) {
		this.#options = options;
		this.#estimator = new RetentionEstimator({ window: options.window, minIntervals: MIN_INTERVALS, capacity: INTERVAL_CAPACITY });
		this.#gcs = new MajorGcs((gc) => {
			try {
				this.#sample(gc);
			} catch (error) {
				onError(error);
			}
		});
		if (options.handlesOneIn > 0) {
			this.#handles = new HandleTracker({ root: process.cwd(), tooling: [], graceMs: options.handleGrace, onVerdictChange: () => {}, onError });
			this.#handles.start();
			this.#handles.watchOneIn(options.handlesOneIn);
		}
	}

	/** Heap used after V8's latest major GC; undefined before the first one. */
	get heapAfterGc(): number | undefined {
		return this.#heapAfterGc;
	}

	/**
	 * A request of `route` starts. Returns the context to run it in when its handles are watched
	 * (one request in `handlesOneIn`), else undefined.
	 */
	begin(route: string, method: string): RequestContext | undefined {
		const state = this.#route(route);
		if (!state) return undefined;
		state.requests++;
		if (state.requests <= this.#options.warmupRequests) this.#warm = true;
		this.#counts.set(route, (this.#counts.get(route) ?? 0) + 1);
		if (!this.#handles?.watch()) return undefined;
		return { method, startedAt: performance.now(), before: null, sequence: this.#sequence++, watchHandles: true, route: { id: route } };
	}

	/** Runs `resolve` inside the request's context, so the timers and sockets it creates are its. */
	run<T>(context: RequestContext, resolve: () => T): T {
		return requestStorage.run(context, resolve);
	}

	/** A watched request's response is ready: what it created and is still alive after the grace period lingers. */
	end(context: RequestContext, route: string): void {
		this.#handles?.requestEnded(context, route);
		this.#handles?.unwatch();
	}

	*figures(): Generator<RouteFigures> {
		for (const [route, state] of this.#routes) {
			yield {
				route,
				requests: state.requests,
				retainedBytesPerRequest: state.estimate?.bytes,
				retainedStandardError: state.estimate?.standardError,
				leak: state.leak,
				liveHandles: this.#handles?.describe(route).handles
			};
		}
	}

	close(): void {
		this.#gcs.close();
		this.#handles?.close();
	}

	#route(route: string): RouteState | undefined {
		let state = this.#routes.get(route);
		if (!state && this.#routes.size < MAX_ROUTES) {
			state = { requests: 0, estimate: undefined, leak: false };
			this.#routes.set(route, state);
		}
		return state;
	}

	#sample(gc: MajorGc): void {
		// Another GC ran between this one and now: the figures are not this GC's. Its interval goes on to the next.
		if (gc.ours || gc.followed) return;
		const now = readRetainedMemory();
		this.#heapAfterGc = now.heap;
		if (this.#last) {
			// Heap and Buffers in one regression: a route that keeps either one keeps memory.
			const delta = now.heap - this.#last.heap + (now.external - this.#last.external);
			this.#estimator.add({
				epoch: 0,
				unattributedHeapBytes: delta,
				externalDeltaBytes: 0,
				bufferSurvivors: new Map(),
				bufferMeasured: new Map(),
				counts: this.#counts,
				warm: this.#warm,
				busy: false
			});
			this.#updateEstimates();
		}
		this.#last = now;
		this.#counts = new Map();
		this.#warm = false;
	}

	#updateEstimates(): void {
		for (const [route, state] of this.#routes) {
			const estimate = this.#estimator.estimate(route, 0);
			// Zero with no error: fewer intervals than routes to tell apart, the regression says nothing yet.
			if (!estimate || (estimate.heapBytesPerRequest === 0 && estimate.heapStandardError === 0)) continue;
			state.estimate = { bytes: estimate.heapBytesPerRequest, standardError: estimate.heapStandardError };
			if (state.requests - this.#options.warmupRequests < this.#options.minRequests) continue;
			// The regression has at most one column per route seen: its degrees of freedom are at least these.
			const degreesOfFreedom = estimate.intervals - this.#routes.size;
			state.leak = leaks(
				state.leak,
				{ bytesPerRequest: estimate.heapBytesPerRequest, standardError: estimate.heapStandardError, degreesOfFreedom },
				this.#options.leakThreshold
			);
		}
	}
}
