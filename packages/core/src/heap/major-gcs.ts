import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';

export interface MajorGc {
	/** When it ended (performance.now()). */
	endedAt: number;
	durationMs: number;
	/** One we forced (see forced()), not one of V8's own. */
	ours: boolean;
	/** Another GC (a scavenge promotes what it keeps) ran after it before the callback: heap figures read now are not its. */
	followed: boolean;
}

/**
 * Calls back after each major GC, telling those V8 ran on its own (allocation limit, memory reducer)
 * from those we forced: the heap figures after V8's are a post-GC sample that cost us nothing, and
 * the duration of ours is the GC alone. The observer's callback runs on a later turn of the event
 * loop: within a millisecond under traffic, tens of ms later in an idle process (measured); the old
 * generation changes meanwhile only if a scavenge promotes, and then its entry follows.
 */
export class MajorGcs {
	#observer: PerformanceObserver;
	/** Our own forced GCs, [start, end] in performance.now() time, until their entries have come by. */
	#ours: Array<[number, number]> = [];

	constructor(onGc: (gc: MajorGc) => void) {
		this.#observer = new PerformanceObserver((list) => {
			const entries = list.getEntries();
			entries.forEach((entry, index) => {
				if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) return;
				const endedAt = entry.startTime + entry.duration;
				onGc({ endedAt, durationMs: entry.duration, ours: this.#isOurs(entry.startTime, endedAt), followed: index < entries.length - 1 });
			});
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
