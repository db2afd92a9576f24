// Request markers as the monitor uses them: which requests get one, which route what they allocated
// goes to, and how much each placed sample stands for at a profile read. RequestMarkers places bytes;
// this decides what a placement is worth, so the weighting rule lives in one place.
import type { AllocationSampler } from '../heap/allocation-sampler.ts';
import type { LiveBytes, MarkerWeightOfKey } from '../heap/live-bytes-tally.ts';
import { RequestMarkers } from './request-markers.ts';

/** A route's requests (this epoch) before request markers place what its requests allocate. */
const MARKER_WARMUP_REQUESTS = 15;

/** At most this factor between a read's requests of a route and those its markers placed. */
const MAX_MARKED_SCALE = 4;

export class MarkedRequests {
	#markers = new RequestMarkers();
	/** Requests per route key that ended since the last profile read. */
	#sinceRead = new Map<string, number>();

	/** A top-level request starts; `markable`: alone, and markers may run now. Returns its marker id, if any. */
	started(markable: boolean): number | undefined {
		return this.#markers.started(markable);
	}

	/**
	 * A marked request ended. Its allocations go to its route (`key`), once past the route's first
	 * requests (`epochRequests` before this one). Those fill the lazy caches of the libraries it uses,
	 * in steps a trend of a few points reads as a slope (Kit 2 on Node 20: ~100 KB between an
	 * endpoint's 7th and 13th request, no app code on the stack).
	 */
	ended(marker: number | undefined, key: string | null, epochRequests: number): void {
		this.#markers.ended(marker, key !== null && epochRequests >= MARKER_WARMUP_REQUESTS ? key : null);
	}

	/** A request of a route key was counted: what the next read's weights are relative to. */
	counted(key: string): void {
		this.#sinceRead.set(key, (this.#sinceRead.get(key) ?? 0) + 1);
	}

	/** Bytes of the markers still alive: ours, not the app's. */
	get openBytes(): number {
		return this.#markers.openBytes;
	}

	/** After a profile read: the markers it saw are let go. */
	release(): void {
		this.#markers.release();
	}

	/** Reads the allocation profile with markers placing what they can, each placement weighted. */
	liveBytesByKey(allocations: AllocationSampler): Map<string, LiveBytes> {
		return allocations.liveBytesByKey(this.#markers.keyOfSize(), this.#weights());
	}

	/** Server code was edited: requests before it are not this read's. */
	newEpoch(): void {
		this.#sinceRead.clear();
	}

	/**
	 * Markers place what the requests that had one allocated; the others (past MAX_OPEN markers between
	 * two reads, requests that overlapped, the last one before the read) go unplaced. Each sample a
	 * read places stands for that read's requests of its route over the marked ones (at most
	 * MAX_MARKED_SCALE), for as long as it lives: weighted when it appears and when it dies alike, so
	 * the slope comes from what stays, not from a ratio that changes between reads.
	 */
	#weights(): MarkerWeightOfKey {
		const placed = this.#markers.placedRequests();
		const requests = new Map(this.#sinceRead);
		this.#sinceRead.clear();
		return (key) => {
			const marked = placed.get(key) ?? 0;
			return marked > 0 ? Math.min(MAX_MARKED_SCALE, Math.max(1, (requests.get(key) ?? 0) / marked)) : 1;
		};
	}
}
