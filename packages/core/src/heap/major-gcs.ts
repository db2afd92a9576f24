import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';

export interface MajorGc {
	/** When it ended (performance.now()). */
	endedAt: number;
	durationMs: number;
	/** One we forced (see forced()), not one of V8's own. */
	ours: boolean;
}

/**
 * Calls back after each major GC, telling those V8 ran on its own (allocation limit, memory reducer)
 * from those we forced: the heap figures after V8's are a post-GC sample that cost us nothing, and
 * the duration of ours is the GC alone. The observer's callback runs about a millisecond after the GC
 * ends when the event loop is free (measured), later when JavaScript was running: `endedAt` tells how
 * stale a reading taken in the callback is.
 */
export class MajorGcs {
	#observer: PerformanceObserver;
	/** Our own forced GCs, [start, end] in performance.now() time, until their entries have come by. */
	#ours: Array<[number, number]> = [];

	constructor(onGc: (gc: MajorGc) => void) {
		this.#observer = new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) {
				if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
				const endedAt = entry.startTime + entry.duration;
				onGc({ endedAt, durationMs: entry.duration, ours: this.#isOurs(entry.startTime, endedAt) });
			}
		});
		this.#observer.observe({ entryTypes: ['gc'] });
	}

	/** A GC we forced ran within `start` to `end`: its entry is not one of V8's own. */
	forced(start: number, end: number): void {
		this.#ours.push([start, end]);
		if (this.#ours.length > 16) this.#ours.shift();
	}

	close(): void {
		this.#observer.disconnect();
	}

	#isOurs(start: number, end: number): boolean {
		return this.#ours.some(([from, to]) => start >= from - 1 && end <= to + 1);
	}
}
