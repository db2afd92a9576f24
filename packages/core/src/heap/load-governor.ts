/** Route requests per second above which the dev server is being load-tested, not browsed. */
const BUSY_RATE = 100;
/** ...and below which it is back to a person's pace. */
const CALM_RATE = 20;
/**
 * The busy rate is the mean over at least this long before sampling goes coarse. A burst (a page with
 * its data, a short script, the 4-5 s continuous profile of `pnpm bench:detect`) is measured at full
 * resolution; a load test lasts longer, and a short lull inside it does not reset the count. Fine
 * sampling under load costs ~25% of throughput (measured), so this is kept short.
 */
const SUSTAINED_MS = 6_000;
/** Calm samples in a row before going back to fine sampling: a pause between bursts does not flap. */
const CALM_SAMPLES = 3;
/**
 * How much coarser allocation sampling gets under load. Each sample walks the JS stack (up to 128
 * frames): ~20 µs at the depth of a SvelteKit render, and a dev-server request allocates hundreds of
 * KB. At 8x (128 KB) heapwatch still cost ~30% more CPU per request under load, at 64x (1 MB) ~7%
 * (both measured with `pnpm bench:overhead`).
 */
const COARSE_FACTOR = 64;

/**
 * Chooses the allocation sampling interval from the request rate: fine while a person browses (small
 * leaks found in tens of requests), coarse under sustained load (large leaks still found within a
 * few hundred requests, small ones take longer).
 */
export class LoadGovernor {
	readonly fineInterval: number;
	#coarse = false;
	/** The intervals between recent samples, oldest first, spanning just over SUSTAINED_MS. */
	#recent: { requests: number; ms: number }[] = [];
	#calmStreak = 0;

	constructor(fineInterval: number) {
		this.fineInterval = fineInterval;
	}

	get interval(): number {
		return this.#coarse ? this.fineInterval * COARSE_FACTOR : this.fineInterval;
	}

	get coarse(): boolean {
		return this.#coarse;
	}

	/**
	 * How many requests a live-bytes trend should span at the current interval. Each coarse sample
	 * stands for 64x more bytes, so a window as short as a fine one would let one sample more or less
	 * swing the slope past the threshold, either way: it is 64x longer too.
	 */
	trendWindow(fineWindow: number): number {
		return (fineWindow * this.interval) / this.fineInterval;
	}

	/** After a sample: `requests` completed in the `ms` since the last one. True when the interval changed. */
	observe(requests: number, ms: number): boolean {
		if (!(ms > 0)) return false;
		if (!this.#coarse) {
			if (!this.#sustained(requests, ms)) return false;
			this.#coarse = true;
			this.#recent = [];
			return true;
		}
		this.#calmStreak = (requests * 1000) / ms < CALM_RATE ? this.#calmStreak + 1 : 0;
		if (this.#calmStreak < CALM_SAMPLES) return false;
		this.#coarse = false;
		this.#calmStreak = 0;
		return true;
	}

	/** Whether the load goes on now, and the mean rate over the last SUSTAINED_MS (or a little more) is a load test's. */
	#sustained(requests: number, ms: number): boolean {
		this.#recent.push({ requests, ms });
		if ((requests * 1000) / ms < BUSY_RATE) return false;
		let totalMs = this.#recent.reduce((sum, interval) => sum + interval.ms, 0);
		while (totalMs - this.#recent[0].ms >= SUSTAINED_MS) totalMs -= this.#recent.shift()!.ms;
		if (totalMs < SUSTAINED_MS) return false;
		const totalRequests = this.#recent.reduce((sum, interval) => sum + interval.requests, 0);
		return (totalRequests * 1000) / totalMs >= BUSY_RATE;
	}
}
