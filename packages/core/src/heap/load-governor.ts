/** Route requests per second above which the dev server is being load-tested, not browsed. */
const BUSY_RATE = 100;
/** ...and below which it is back to a person's pace. */
const CALM_RATE = 20;
/** Consecutive samples a rate must hold before switching: no flapping on a burst. */
const HOLD_SAMPLES = 3;
/** How much coarser allocation sampling gets under load. */
const COARSE_FACTOR = 8;

/**
 * Chooses the allocation sampling interval from the request rate. Sampling captures a deep stack per
 * sample; at the default interval it cost a quarter of throughput under saturating load (measured),
 * which a person browsing never notices but a load test does. Under sustained load, sampling is 8x
 * coarser: large leaks are still found within tens of requests, small ones take longer.
 */
export class LoadGovernor {
	readonly fineInterval: number;
	#coarse = false;
	#streak = 0;

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
		const wantsSwitch = this.#coarse ? rate < CALM_RATE : rate >= BUSY_RATE;
		this.#streak = wantsSwitch ? this.#streak + 1 : 0;
		if (this.#streak < HOLD_SAMPLES) return false;
		this.#coarse = !this.#coarse;
		this.#streak = 0;
		return true;
	}
}
