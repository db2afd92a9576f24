import { forceGc } from './gc.ts';
import { readMemory } from './memory.ts';
import type { MemoryFigures } from '../protocol.ts';

export interface HeapSample extends MemoryFigures {
	at: number;
	/** How long the forced GC blocked the event loop. */
	gcMs: number;
}

export interface IdleSamplerOptions {
	/** Least time between two samples (each is a full GC). */
	intervalMs: number;
	/** Under traffic that is never idle, new requests are held at most this long so a sample can be taken. */
	maxHoldMs: number;
	onSample(sample: HeapSample): void;
	/** Our own failures: reported, never thrown from a timer into the dev server. */
	onError(error: unknown): void;
	/** Runs a function outside any request's async context, so our timers belong to no request. */
	detach<T>(fn: () => T): T;
}

/**
 * Takes post-GC heap samples only while no request is in flight and at most once per interval: the
 * forced GC costs tens of milliseconds, and a sample taken mid-request would split that request's
 * memory across two intervals.
 *
 * Under continuous traffic there may never be an idle moment. Once a sample is due, new requests are
 * held (for at most maxHoldMs) until those in flight finish, the sample is
 * taken, and the held requests go on.
 */
export class IdleSampler {
	#options: IdleSamplerOptions;
	#inFlight = 0;
	#lastSampleAt = 0;
	#dirty = true;
	#timer: NodeJS.Timeout | undefined;
	#hold: { promise: Promise<void>; release: () => void; timeout: NodeJS.Timeout } | undefined;
	#closed = false;
	/** After a hold that timed out (a request waiting on another one, say), do not hold again soon. */
	#noHoldUntil = 0;

	constructor(options: IdleSamplerOptions) {
		this.#options = options;
	}

	get inFlight(): number {
		return this.#inFlight;
	}

	/** Resolves when the request may start; undefined (no await needed) in the common case. */
	admit(): Promise<void> | undefined {
		if (this.#hold) return this.#hold.promise;
		const overdue = Date.now() - this.#lastSampleAt >= this.#options.intervalMs;
		const mayHold = !this.#closed && Date.now() >= this.#noHoldUntil;
		if (this.#dirty && this.#inFlight > 0 && overdue && mayHold) {
			this.#startHold();
			return this.#hold!.promise;
		}
		return undefined;
	}

	started(): void {
		this.#inFlight++;
	}

	ended(): void {
		this.#inFlight--;
		this.#dirty = true;
		if (this.#inFlight === 0) this.#schedule();
	}

	/** Takes a sample now if idle, as a baseline (at start, and after an HMR edit). */
	sampleNow(): void {
		if (this.#inFlight === 0) this.#sample();
	}

	close(): void {
		this.#closed = true;
		clearTimeout(this.#timer);
		this.#releaseHold();
	}

	#schedule(): void {
		if (this.#closed) return;
		// Requests are being held for this sample: take it as soon as the finishing response settles.
		const wait = this.#hold ? 0 : Math.max(0, this.#lastSampleAt + this.#options.intervalMs - Date.now());
		if (this.#timer) {
			if (wait > 0) return;
			clearTimeout(this.#timer);
		}
		// setImmediate-like ordering is not enough: 'finish' listeners of the same response still run
		// after us, so a zero delay timer lets them settle first.
		this.#timer = this.#options.detach(() =>
			setTimeout(() => {
				this.#timer = undefined;
				if (this.#inFlight === 0 && this.#dirty) this.#sample();
			}, wait).unref()
		);
	}

	#sample(): void {
		this.#lastSampleAt = Date.now();
		this.#dirty = false;
		try {
			const started = performance.now();
			forceGc();
			const gcMs = performance.now() - started;
			this.#options.onSample({ ...readMemory(), at: this.#lastSampleAt, gcMs });
		} catch (error) {
			this.#options.onError(error);
		} finally {
			this.#releaseHold();
		}
	}

	#startHold(): void {
		let release!: () => void;
		const promise = new Promise<void>((resolve) => (release = resolve));
		const timeout = this.#options.detach(() =>
			setTimeout(() => {
				this.#noHoldUntil = Date.now() + this.#options.intervalMs;
				this.#releaseHold();
			}, this.#options.maxHoldMs).unref()
		);
		this.#hold = { promise, release, timeout };
	}

	#releaseHold(): void {
		if (!this.#hold) return;
		clearTimeout(this.#hold.timeout);
		this.#hold.release();
		this.#hold = undefined;
	}
}
