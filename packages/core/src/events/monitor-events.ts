// The one stream of what the monitor finds: the terminal, the overlay's feed and anything else that
// cares subscribe to it, instead of each polling report() and diffing it, or the monitor calling a
// callback per consumer. As vitest's reporters do: one source of events, many readers.
import type { FindingReport, RouteReport, StaleHandleSite, UnplacedReport, Verdict } from '../protocol/report.ts';
import type { LongPause } from '../heap/idle-sampler.ts';

export type MonitorEvent =
	/** A route's heap verdict changed in a way worth telling (see findings/subject-verdict.ts). */
	| { type: 'route-verdict'; route: RouteReport; previous: Verdict }
	/** A route started or stopped leaving timers or handles alive after its responses. */
	| { type: 'route-handles'; route: RouteReport }
	/** A hooks, layout, instrumentation or shared-state finding changed. */
	| { type: 'finding'; finding: FindingReport; previous: Verdict }
	/** Growth nothing places started or stopped growing process-wide (see findings/unplaced-growth.ts). */
	| { type: 'unplaced'; unplaced: UnplacedReport; previous: Verdict }
	/** An HMR edit replaced modules whose timers or handles still run. */
	| { type: 'stale-handles'; sites: StaleHandleSite[] }
	/** The heap grew so big that a forced GC would block too long: samples wait for quiet spells from now on (said once). */
	| { type: 'long-gc'; pause: LongPause }
	/** Allocation sampling went coarser under sustained load, or back (interval in bytes). */
	| { type: 'sampling'; interval: number; coarse: boolean }
	/** What report() says changed (a request ended, a sample was taken, a handle lingered or ended); nothing to tell. */
	| { type: 'changed' };

export type MonitorListener = (event: MonitorEvent) => void;

export class MonitorEvents {
	#listeners = new Set<MonitorListener>();
	#onError: (error: unknown) => void;

	constructor(onError: (error: unknown) => void) {
		this.#onError = onError;
	}

	/** Calls `listener` with every event from now on; returns what unsubscribes it. */
	subscribe(listener: MonitorListener): () => void {
		this.#listeners.add(listener);
		return () => void this.#listeners.delete(listener);
	}

	/** A listener that throws is reported and the others still hear the event: never thrown into a request. */
	emit(event: MonitorEvent): void {
		for (const listener of this.#listeners) {
			try {
				listener(event);
			} catch (error) {
				this.#onError(error);
			}
		}
	}

	close(): void {
		this.#listeners.clear();
	}
}
