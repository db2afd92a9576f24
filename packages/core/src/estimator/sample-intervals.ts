// What each interval between two post-GC samples shows: the requests of each route in it, the heap
// growth no allocation sample placed, the Buffers requests left behind. These feed the regression on
// request counts (RetentionEstimator) and the process-wide trend of unplaced growth (Report.unplaced).
import { UNPLACED } from '../heap/allocation-keys.ts';
import type { LiveBytes } from '../heap/live-bytes-tally.ts';
import type { HeapSample } from '../heap/idle-sampler.ts';
import type { Report } from '../protocol/report.ts';
import { LiveBytesTrend } from './live-bytes-trend.ts';
import { RetentionEstimator, type RetentionEstimate } from './retention-estimator.ts';

/** Requests of every route the process-wide unplaced growth is estimated over. */
const UNPLACED_WINDOW = 200;

export class SampleIntervals {
	#window: number;
	#estimator: RetentionEstimator;
	#baseline: (HeapSample & { epoch: number }) | null = null;
	#pendingCounts = new Map<string, number>();
	#pendingSurvivors = new Map<string, number>();
	#pendingWarm = false;
	/** Live sampled bytes per key at the previous sample of this epoch. */
	#lastLive: Map<string, LiveBytes> | null = null;
	/** Heap growth no allocation sample placed, against requests of every route, over this epoch's quiet intervals. */
	#unplaced = new LiveBytesTrend();
	#unplacedTotals = { bytes: 0, requests: 0 };

	/** `window`: requests of a route the regression is estimated over. */
	constructor(window: number) {
		this.#window = window;
		this.#estimator = new RetentionEstimator({ window, minIntervals: 3, capacity: 512 });
	}

	/** Requests per route key since the last sample. */
	get pendingCounts(): ReadonlyMap<string, number> {
		return this.#pendingCounts;
	}

	/** A request of a route ended; `warm`: it was one of the route's first this epoch, whose growth is warm-up. */
	counted(key: string, warm: boolean): void {
		if (warm) this.#pendingWarm = true;
		this.#pendingCounts.set(key, (this.#pendingCounts.get(key) ?? 0) + 1);
	}

	/** ArrayBuffer bytes a request of `key` left alive (measured after a minor GC). */
	survived(key: string, bytes: number): void {
		this.#pendingSurvivors.set(key, (this.#pendingSurvivors.get(key) ?? 0) + bytes);
	}

	/**
	 * A post-GC sample closes the interval since the previous one. `live`: the allocation profile read
	 * with it, if any. `resampled`: the sampling interval changed within it, so its figures mix two rates.
	 */
	add(sample: HeapSample, live: Map<string, LiveBytes> | undefined, epoch: number, resampled: boolean): void {
		const baseline = this.#baseline;
		if (baseline && baseline.epoch === epoch && this.#pendingCounts.size > 0) {
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
				epoch,
				unattributedHeapBytes,
				externalDeltaBytes: sample.external - baseline.external,
				counts: this.#pendingCounts,
				bufferSurvivors: this.#pendingSurvivors,
				warm: this.#pendingWarm,
				busy
			});
		}
		this.#baseline = { ...sample, epoch };
		// A natural sample (V8's own GC) reads no allocation profile: the growth it missed is counted
		// at the next forced one, against the last profile read.
		this.#lastLive = live ?? this.#lastLive;
	}

	/** After a sample is used: the route keys that took requests in its interval; the next one starts empty. */
	endInterval(): string[] {
		const active = [...this.#pendingCounts.keys()];
		this.#pendingCounts = new Map();
		this.#pendingSurvivors = new Map();
		this.#pendingWarm = false;
		return active;
	}

	/** The regression's estimate for a route key this epoch. */
	estimate(key: string, epoch: number): RetentionEstimate | undefined {
		return this.#estimator.estimate(key, epoch);
	}

	/** The allocation profile restarted: the next read is not comparable to the last. */
	forgetLive(): void {
		this.#lastLive = null;
	}

	/** Server code was edited: no interval spans the edit. */
	newEpoch(): void {
		this.#baseline = null;
		this.#lastLive = null;
		this.#pendingCounts.clear();
		this.#pendingSurvivors.clear();
		this.#pendingWarm = false;
	}

	/** After an edit or a sampling restart: earlier unplaced growth is not comparable. */
	restartTrends(): void {
		this.#unplaced.clear();
		this.#unplacedTotals = { bytes: 0, requests: 0 };
	}

	/** Growth per request that nothing placed, over the last few hundred requests of every route. */
	unplacedEstimate(samplingInterval: number): Report['unplaced'] {
		const estimate = this.#unplaced.estimate(Math.max(UNPLACED_WINDOW, this.#window), samplingInterval);
		return estimate
			? { bytesPerRequest: Math.round(estimate.bytesPerRequest), standardError: Math.round(estimate.standardError), requests: estimate.requests }
			: null;
	}
}
