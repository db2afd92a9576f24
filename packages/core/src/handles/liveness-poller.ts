import { outsideRequests } from '../request/outside-requests.ts';

/**
 * Polls lingering and stale resources until they end: the handle tracker has no async_hooks `destroy`
 * hook to tell it (see HandleTracker for why). The interval runs only while there is something to poll.
 */

/** How often resources are polled: the grace period, within these bounds. */
const POLL_MIN_MS = 100;
const POLL_MAX_MS = 1000;

export interface LivenessPollerOptions<T> {
	graceMs: number;
	isAlive(item: T): boolean;
	/** `item` was found ended; it is no longer polled. */
	onEnded(item: T): void;
	onError(error: unknown): void;
}

export class LivenessPoller<T> {
	#options: LivenessPollerOptions<T>;
	#polled = new Set<T>();
	#interval: NodeJS.Timeout | undefined;
	#closed = false;

	constructor(options: LivenessPollerOptions<T>) {
		this.#options = options;
	}

	add(item: T): void {
		this.#polled.add(item);
		if (this.#interval || this.#closed) return;
		const period = Math.min(Math.max(this.#options.graceMs, POLL_MIN_MS), POLL_MAX_MS);
		// Outside any request: the interval is heapwatch's, not a resource of the request that started it.
		this.#interval = outsideRequests(() => setInterval(() => this.#poll(), period).unref());
	}

	delete(item: T): void {
		this.#polled.delete(item);
	}

	close(): void {
		this.#closed = true;
		clearInterval(this.#interval);
		this.#polled.clear();
	}

	#poll(): void {
		try {
			for (const item of this.#polled) {
				if (this.#options.isAlive(item)) continue;
				this.#polled.delete(item);
				this.#options.onEnded(item);
			}
		} catch (error) {
			this.#options.onError(error);
		}
		if (this.#polled.size === 0) {
			clearInterval(this.#interval);
			this.#interval = undefined;
		}
	}
}
