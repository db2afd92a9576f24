/**
 * A request in flight longer than this stops counting as in flight for sampling. SSE, long polls and
 * streamed responses stay open for minutes: counted, they keep the server from ever being idle, and
 * idle samples (and the Buffer check of requests that run alone) never happen. A page request to a
 * dev server takes tens of milliseconds, a cold one with module evaluation a second or two.
 */
export const HELD_AFTER_MS = 2_000;

/**
 * The requests in flight, told apart by age: young ones count (a sample taken now would split their
 * memory), held ones do not (they run for as long as a tab stays open). Requests are added in start
 * order, so the held ones are always the oldest: they move from `#young` to `#held` lazily, from the
 * front, and counting costs O(1) amortized however many streams are open.
 */
export class InFlightRequests {
	#heldAfterMs: number;
	/** Start times (Date.now()) of requests not yet known to be held, oldest first. */
	#young = new Map<object, number>();
	#held = new Set<object>();

	constructor(heldAfterMs = HELD_AFTER_MS) {
		this.#heldAfterMs = heldAfterMs;
	}

	add(request: object, now: number): void {
		this.#young.set(request, now);
	}

	remove(request: object): void {
		if (!this.#young.delete(request)) this.#held.delete(request);
	}

	/** Requests that count as in flight: those younger than the held bound. */
	active(now: number): number {
		this.#promote(now);
		return this.#young.size;
	}

	/** Open longer than the bound (SSE, long polls, streams). */
	held(now: number): number {
		this.#promote(now);
		return this.#held.size;
	}

	/** When the youngest request that counts now will stop counting; undefined when none counts. */
	allHeldAt(now: number): number | undefined {
		this.#promote(now);
		let newest: number | undefined;
		for (const startedAt of this.#young.values()) newest = startedAt;
		return newest === undefined ? undefined : newest + this.#heldAfterMs;
	}

	#promote(now: number): void {
		for (const [request, startedAt] of this.#young) {
			if (now - startedAt < this.#heldAfterMs) return;
			this.#young.delete(request);
			this.#held.add(request);
		}
	}
}
