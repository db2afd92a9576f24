// What each interval between two post-GC samples shows: the requests of each route in it, the heap
// growth no allocation sample placed, the Buffers requests left behind. These feed the regression on
// request counts (RetentionEstimator); a quiet interval's unplaced growth is handed back for the
// process-wide finding (findings/unplaced-growth.ts).
import { UNPLACED } from '../heap/allocation-keys.ts';
import type { LiveBytes } from '../heap/live-bytes-tally.ts';
import type { HeapSample } from '../heap/idle-sampler.ts';
import { RetentionEstimator, type RetentionEstimate } from './retention-estimator.ts';

export class SampleIntervals {
	#estimator: RetentionEstimator;
	#baseline: (HeapSample & { epoch: number }) | null = null;
	#pendingCounts = new Map<string, number>();
	#pendingSurvivors = new Map<string, number>();
	#pendingMeasured = new Map<string, number>();
	#pendingWarm = false;
	/** Live sampled bytes per key at the previous sample of this epoch. */
	#lastLive: Map<string, LiveBytes> | null = null;

	/** `window`: requests of a route the regression is estimated over. */
	constructor(window: number) {
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

	/** ArrayBuffer bytes a request of `key` that ran alone left alive (measured after a minor GC; 0 counts too). */
	survived(key: string, bytes: number): void {
		this.#pendingSurvivors.set(key, (this.#pendingSurvivors.get(key) ?? 0) + bytes);
		this.#pendingMeasured.set(key, (this.#pendingMeasured.get(key) ?? 0) + 1);
	}

	/**
	 * A post-GC sample closes the interval since the previous one. `live`: the allocation profile read
	 * with it, if any. `resampled`: the sampling interval changed within it, so its figures mix two rates.
	 * Returns the heap growth nothing placed and the requests of every route, for a quiet interval (no
	 * warm-up, no busy sample). After a natural sample (no profile) the next forced one subtracts what
	 * both intervals placed: their sum is right, each alone is not.
	 */
	add(sample: HeapSample, live: Map<string, LiveBytes> | undefined, epoch: number, resampled: boolean): { bytes: number; requests: number } | undefined {
		const baseline = this.#baseline;
		let unplaced: { bytes: number; requests: number } | undefined;
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
			// Compiled code is not what requests keep (see post-gc-memory.ts).
			const dataGrowth = sample.heapUsed - sample.compiledCode - (baseline.heapUsed - baseline.compiledCode);
			const unattributedHeapBytes = dataGrowth - attributed;
			const busy = sample.busy || baseline.busy || resampled;
			if (!this.#pendingWarm && !busy) {
				let requests = 0;
				for (const count of this.#pendingCounts.values()) requests += count;
				unplaced = { bytes: unattributedHeapBytes, requests };
			}
			this.#estimator.add({
				epoch,
				unattributedHeapBytes,
				externalDeltaBytes: sample.external - baseline.external,
				counts: this.#pendingCounts,
				bufferSurvivors: this.#pendingSurvivors,
				bufferMeasured: this.#pendingMeasured,
				warm: this.#pendingWarm,
				busy
			});
		}
		this.#baseline = { ...sample, epoch };
		// A natural sample (V8's own GC) reads no allocation profile: the growth it missed is counted
		// at the next forced one, against the last profile read.
		this.#lastLive = live ?? this.#lastLive;
		return unplaced;
	}

	/** After a sample is used: the route keys that took requests in its interval; the next one starts empty. */
	endInterval(): string[] {
		const active = [...this.#pendingCounts.keys()];
		this.#pendingCounts = new Map();
		this.#pendingSurvivors = new Map();
		this.#pendingMeasured = new Map();
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
		this.#pendingMeasured.clear();
		this.#pendingWarm = false;
	}
}
