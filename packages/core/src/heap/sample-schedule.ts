// How often post-GC samples are taken and how finely allocations are sampled, from the request rate
// and the verdicts so far. The idle sampler decides when a sample can run; this decides how long busy
// traffic waits for one, and tells the load governor the rate it chooses the sampling interval from.
import { LoadGovernor } from './load-governor.ts';

export interface SampleScheduleOptions {
	/** Milliseconds between post-GC samples while requests pause. */
	sampleInterval: number;
	/** Mean bytes between two sampled allocations while a person browses. */
	allocationSamplingInterval: number;
	/** Whether allocation sampling runs at all: without it there is no interval to change. */
	allocationsSampled: boolean;
	/** The sampling interval changed (coarser under sustained load, or fine again). */
	onResample(): void;
}

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

export class SampleSchedule {
	#options: SampleScheduleOptions;
	#governor: LoadGovernor;
	/** At the latest sample, every route that took requests since the one before had an `ok` verdict. */
	#settled = false;
	/** Top-level route requests since the governor last saw the rate, and when that was. */
	#load = { requests: 0, since: performance.now() };
	/** The sampling interval changed since the last sample: the interval up to the next one is not comparable. */
	#resampled = false;
	/** Sampling stays fine whatever the request rate (sampleFinelyUnderLoad). */
	#fineUnderLoad = false;

	constructor(options: SampleScheduleOptions) {
		this.#options = options;
		this.#governor = new LoadGovernor(options.allocationSamplingInterval);
	}

	/** Allocations are sampled coarsely: the dev server is under sustained load. */
	get coarse(): boolean {
		return this.#governor.coarse;
	}

	/** The allocation sampling interval in force, in bytes. */
	get interval(): number {
		return this.#governor.interval;
	}

	/** Requests a live-bytes trend spans at the interval in force (see LoadGovernor.trendWindow). */
	trendWindow(fineWindow: number): number {
		return this.#governor.trendWindow(fineWindow);
	}

	busySampleAfterMs(): number {
		const factor = !this.#governor.coarse ? BUSY_AFTER.browsing : this.#settled ? BUSY_AFTER.settledLoad : BUSY_AFTER.load;
		return factor * this.#options.sampleInterval;
	}

	/** A request (not an `event.fetch` sub-request: a page with three is one request of a person's) ended. */
	requestEnded(): void {
		this.#load.requests++;
		if (performance.now() - this.#load.since >= LOAD_CHECK_MS) this.observeLoad();
	}

	/**
	 * Tells the governor the request rate since it last saw it; under sustained load, allocations are
	 * sampled more coarsely (and finer again after). Called after a sample's profile is used, so that a
	 * change of rate starts the next interval clean.
	 */
	observeLoad(): void {
		const now = performance.now();
		const { requests, since } = this.#load;
		this.#load = { requests: 0, since: now };
		if (this.#fineUnderLoad || !this.#options.allocationsSampled || !this.#governor.observe(requests, now - since)) return;
		this.#resampled = true;
		this.#options.onResample();
	}

	/** Whether sampling changed since the previous sample (then cleared): the interval up to this one mixes two rates. */
	takeResampled(): boolean {
		const resampled = this.#resampled;
		this.#resampled = false;
		return resampled;
	}

	/** At a sample: whether every route that took requests since the one before is settled. */
	settle(settled: boolean): void {
		this.#settled = settled;
	}

	/** A new route, one still warming or leaking, or an edit: busy samples come at the faster rate again. */
	unsettle(): void {
		this.#settled = false;
	}

	/** See Monitor.sampleFinelyUnderLoad. */
	sampleFinelyUnderLoad(): void {
		this.#fineUnderLoad = true;
	}
}
