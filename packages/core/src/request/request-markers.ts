/**
 * Ties sampled allocations to the request that made them, when no route file is on their stack:
 * memory built in a remote function called through Kit's machinery, in undici reading an
 * `event.fetch` body, in a stream callback. V8's sampling heap profiler records stacks, not async
 * context, but it numbers its samples in allocation order (`ordinal`). A request that starts alone
 * allocates a marker that V8 always samples; samples with ordinals between its marker and the next
 * one were allocated while it ran (or right after it, before the next request began).
 *
 * A FixedArray over V8's largest regular object (128 KB) goes to large-object space, where every
 * allocation is sampled (measured: all 200 of 200 markers, at a 16 KB sampling interval). Each marker
 * has its own length, so its sampled size says which request it was. Markers stay alive until the
 * next profile read (they must be live to be in it); MAX_OPEN bounds what that costs.
 */

const BASE_LENGTH = 16_400;
/** Distinct lengths in use at once; more than MAX_OPEN, so a length is never reused while open. */
const LENGTHS = 1024;
/**
 * ~160 KB each: at most ~20 MB held between two profile reads, and only while a person browses (no
 * markers under sustained load). When a read is that long in coming (on a loaded machine forced GCs
 * wait, and V8's own GCs read no profile), the open markers are let go and marking starts again, so
 * that the requests just before the read are placed; what earlier ones allocated stays unplaced. The monitor scales what each read newly places by that read's share of marked requests (see
 * MarkedRequests#weights in marked-requests.ts); scaling all of it by a ratio that drifts made slopes out of nothing.
 */
const MAX_OPEN = 128;

/** The function whose allocations are markers, as the sampling profile names it. */
export const MARKER_FUNCTION = 'heapwatchRequestMarker';

function heapwatchRequestMarker(length: number): unknown[] {
	return new Array(length);
}

interface Marker {
	length: number;
	array: unknown[];
	/** The key of the request it marks, once it ended; null when it belongs to no route. */
	key: string | null | undefined;
	/** No other request ran between its start and the next marked one: its range is its own. */
	clean: boolean;
}

/** What a profile read needs: the key of the request each marker's sampled size stands for. */
export type MarkerKeyOfSize = (size: number) => string | null | undefined;

export class RequestMarkers {
	#open = new Map<number, Marker>();
	#latest: Marker | undefined;
	#next = 0;

	/**
	 * A top-level request starts. `alone`: nothing else in flight, so it gets a marker (the id to pass
	 * to ended()). Otherwise the range of the latest marker would run over this request: not clean.
	 */
	started(alone: boolean): number | undefined {
		const latest = this.#latest;
		if (latest && (latest.key === undefined || !alone)) latest.clean = false;
		if (!alone) {
			this.#latest = undefined;
			return undefined;
		}
		if (this.#open.size >= MAX_OPEN) this.release();
		const length = BASE_LENGTH + (this.#next++ % LENGTHS);
		const marker: Marker = { length, array: heapwatchRequestMarker(length), key: undefined, clean: true };
		this.#open.set(length, marker);
		this.#latest = marker;
		return length;
	}

	/**
	 * A top-level request ended; `id` is its marker's, if it had one, and `key` where its memory goes
	 * (null: none, such as Vite's own requests). Another request ending inside the latest marker's
	 * range spoils that range: what a request does as it ends (a stream torn down when its client
	 * left, a socket closed) would land there.
	 */
	ended(id: number | undefined, key: string | null): void {
		const marker = id === undefined ? undefined : this.#open.get(id);
		if (marker) marker.key = key;
		if (this.#latest && this.#latest !== marker) this.#latest.clean = false;
	}

	/** Bytes the open markers hold: a post-GC figure read while they are alive counts them. */
	get openBytes(): number {
		let bytes = 0;
		for (const marker of this.#open.values()) bytes += marker.length * 8 + 16;
		return bytes;
	}

	/** Requests per key whose marker opens a range of their own: what the read about to run can place. */
	placedRequests(): Map<string, number> {
		const counts = new Map<string, number>();
		for (const marker of this.#open.values()) {
			const key = this.#placeable(marker);
			if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
		}
		return counts;
	}

	/**
	 * The key a marker's range goes to, or null. Not the latest range before a read: what the last
	 * request allocated may not have died yet (a response's last objects, a write in progress), and a
	 * read comes right after the server went quiet.
	 */
	#placeable(marker: Marker): string | null {
		return marker.clean && marker !== this.#latest && typeof marker.key === 'string' ? marker.key : null;
	}

	/**
	 * For the profile read about to run: the key of the range each sampled marker opens (null when
	 * its range cannot be given to one request). The markers are let go after the read (`release`).
	 */
	keyOfSize(): MarkerKeyOfSize {
		const byLength = new Map(this.#open);
		return (size) => {
			// 8 bytes per element and a 16-byte header; 4 and 8 with pointer compression.
			const marker = byLength.get((size - 16) / 8) ?? byLength.get((size - 8) / 4);
			return marker && this.#placeable(marker);
		};
	}

	/** After the read and the heap figure that counted them: markers are dropped (a request still running goes on unmarked). */
	release(): void {
		this.#open.clear();
		this.#latest = undefined;
	}
}
