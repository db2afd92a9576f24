/** Route requests per second above which the dev server is being load-tested, not browsed. */
const BUSY_RATE = 100;
/** ...and below which it is back to a person's pace. */
const CALM_RATE = 20;
/**
 * A person does not make 100 route requests a second for a whole second, so one such interval is
 * enough to go coarse: the fine interval's cost is what a load test measures. Going back waits for
 * three calm samples, so that a pause between bursts does not flap.
 */
const MIN_BUSY_MS = 1000;
const CALM_SAMPLES = 3;
/** How much coarser allocation sampling gets under load. */
const COARSE_FACTOR = 8;

/**
 * Chooses the allocation sampling interval from the request rate. Sampling captures a deep stack per
 * sample; at the default interval it cost a tenth of throughput under saturating load (measured),
 * which a person browsing never notices but a load test does. Under sustained load, sampling is 8x
 * coarser: large leaks are still found within tens of requests, small ones take longer.
 */
export class LoadGovernor {
	readonly fineInterval: number;
	#coarse = false;
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

	/** After a sample: `requests` completed in the `ms` since the last one. True when the interval changed. */
	observe(requests: number, ms: number): boolean {
		if (!(ms > 0)) return false;
		const rate = (requests * 1000) / ms;
		if (!this.#coarse) {
			if (rate < BUSY_RATE || ms < MIN_BUSY_MS) return false;
			this.#coarse = true;
			return true;
		}
		this.#calmStreak = rate < CALM_RATE ? this.#calmStreak + 1 : 0;
		if (this.#calmStreak < CALM_SAMPLES) return false;
		this.#coarse = false;
		this.#calmStreak = 0;
		return true;
	}
}
