/** Share of wall time heapwatch's own forced GCs may take, over any long stretch. */
export const GC_SHARE = 0.03;
/** A forced GC predicted to block the event loop longer than this is not run while anyone may be waiting. */
export const MAX_PAUSE_MS = 100;
/**
 * Credit saved up while no GC is forced, in ms of GC: after a quiet spell, a few samples may come at
 * the sample interval before the 3% rate applies (a person browsing gets verdicts as fast as before).
 */
const CAPACITY_MS = 3 * MAX_PAUSE_MS;
/**
 * Cost of a full GC per MB of live heap before the first one is timed. A SvelteKit dev server's
 * ~60 MB heap took 30-60 ms (measured: 0.6-1 ms/MB); a heap of small objects as dense as arrays of
 * records takes 2.5 ms/MB (1.4 s at 550 MB, measured on the same machine).
 */
const INITIAL_MS_PER_MB = 1;
/**
 * The cost per MB is the cheapest of the last few GCs timed. One GC can be slow for reasons of its
 * own (the first one of a process, other processes on the same cores: 3x seen), and an estimate
 * that high would stop forced samples, and with them the readings that would correct it. A heap
 * that is really dear to collect is dear every time.
 */
const RATES_KEPT = 3;
const MB = 1024 * 1024;

/**
 * How much forced-GC time heapwatch may spend, and when. A full GC costs with the live heap, so the
 * next one's cost is predicted from recent ones' cost per MB (RATES_KEPT) and the live heap now. Two rules:
 * - a token bucket: credit accrues at GC_SHARE of wall time (capped at CAPACITY_MS), a forced GC
 *   spends what it took, and the next waits until the credit is back (debt allowed, so a GC dearer
 *   than the cap is possible, just rare);
 * - a pause cap: a GC predicted over MAX_PAUSE_MS is "too long to force" and left to the caller
 *   (the sampler runs one only after a long quiet spell, and otherwise takes V8's own major GCs).
 */
export class GcBudget {
	#creditMs = CAPACITY_MS;
	#creditAt: number;
	/** ms per MB of live heap, most recent last; the initial guess counts until enough are timed. */
	#rates: number[] = [INITIAL_MS_PER_MB];

	constructor(now: number) {
		this.#creditAt = now;
	}

	/** Milliseconds a full GC would block now, given the live heap at the last post-GC reading. */
	predictMs(liveHeapBytes: number): number {
		return (liveHeapBytes / MB) * Math.min(...this.#rates);
	}

	/** Whether a forced GC would block longer than the pause cap. */
	tooLong(liveHeapBytes: number): boolean {
		return this.predictMs(liveHeapBytes) > MAX_PAUSE_MS;
	}

	/** Milliseconds until a forced GC of the predicted cost fits the budget (0: now). */
	waitMs(liveHeapBytes: number, now: number): number {
		const credit = this.#credit(now);
		const needed = Math.min(this.predictMs(liveHeapBytes), CAPACITY_MS);
		return credit >= needed ? 0 : Math.ceil((needed - credit) / GC_SHARE);
	}

	/** A forced sample blocked the event loop for `ms` (its GC and what was read with it). */
	spend(ms: number, now: number): void {
		this.#creditMs = this.#credit(now) - ms;
		this.#creditAt = now;
	}

	/**
	 * One of our forced GCs took `gcMs` (V8's own figure, GC alone) with `liveHeapBytes` live after it:
	 * the cost per MB for the next prediction. Timed apart from what is read with it, which costs more
	 * the first time (naming scripts, measured 230 ms once on a 37 MB heap) and little after.
	 */
	learn(gcMs: number, liveHeapBytes: number): void {
		if (liveHeapBytes <= 0) return;
		this.#rates.push(gcMs / (liveHeapBytes / MB));
		if (this.#rates.length > RATES_KEPT) this.#rates.shift();
	}

	#credit(now: number): number {
		return Math.min(CAPACITY_MS, this.#creditMs + (now - this.#creditAt) * GC_SHARE);
	}
}
