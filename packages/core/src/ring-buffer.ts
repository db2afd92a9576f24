/** A fixed-capacity FIFO: the oldest item goes when a new one would not fit. Keeps our own memory bounded. */
export class RingBuffer<T> {
	#items: T[] = [];
	#start = 0;
	readonly capacity: number;

	constructor(capacity: number) {
		if (!(capacity >= 1)) throw new RangeError(`RingBuffer capacity must be >= 1, got ${capacity}`);
		this.capacity = capacity;
	}

	get size(): number {
		return this.#items.length;
	}

	push(item: T): void {
		if (this.#items.length < this.capacity) {
			this.#items.push(item);
		} else {
			this.#items[this.#start] = item;
			this.#start = (this.#start + 1) % this.capacity;
		}
	}

	/** Newest first. */
	*newestFirst(): Generator<T> {
		const n = this.#items.length;
		for (let i = n - 1; i >= 0; i--) yield this.#items[(this.#start + i) % n];
	}

	clear(): void {
		this.#items = [];
		this.#start = 0;
	}
}
