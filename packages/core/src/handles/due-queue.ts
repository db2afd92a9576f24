import { outsideRequests } from '../request/outside-requests.ts';

/**
 * Items that fall due in the order they were added (the delay is constant, so a plain FIFO is enough),
 * handed to `onDue` by one timer that is armed only while something waits. The timer runs outside
 * any request's async context, so that the handle tracker never tracks it, and is unref'd, so that it
 * never keeps a process up.
 */
export class DueQueue<T> {
	#items: T[] = [];
	#dueAt: number[] = [];
	#head = 0;
	#timer: NodeJS.Timeout | undefined;
	#closed = false;
	#onDue: (item: T) => void;
	#onError: (error: unknown) => void;

	constructor(onDue: (item: T) => void, onError: (error: unknown) => void) {
		this.#onDue = onDue;
		this.#onError = onError;
	}

	/** `dueAt` on the performance.now() clock, never earlier than that of the items added before. */
	add(item: T, dueAt: number): void {
		this.#items.push(item);
		this.#dueAt.push(dueAt);
		this.#arm();
	}

	close(): void {
		this.#closed = true;
		clearTimeout(this.#timer);
		this.#items = [];
		this.#dueAt = [];
		this.#head = 0;
	}

	#arm(): void {
		if (this.#timer || this.#closed || this.#head >= this.#items.length) return;
		const wait = Math.max(0, this.#dueAt[this.#head] - performance.now());
		this.#timer = outsideRequests(() => setTimeout(() => this.#drain(), wait + 1).unref());
	}

	#drain(): void {
		this.#timer = undefined;
		try {
			const now = performance.now();
			while (this.#head < this.#items.length && this.#dueAt[this.#head] <= now) this.#onDue(this.#items[this.#head++]);
			if (this.#head === this.#items.length) {
				this.#items = [];
				this.#dueAt = [];
				this.#head = 0;
			} else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
				// Drop what was handed out, in one copy, once it is most of the array.
				this.#items = this.#items.slice(this.#head);
				this.#dueAt = this.#dueAt.slice(this.#head);
				this.#head = 0;
			}
		} catch (error) {
			this.#onError(error);
		}
		this.#arm();
	}
}
