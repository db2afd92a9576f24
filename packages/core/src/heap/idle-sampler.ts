import { channel } from 'node:diagnostics_channel';
import { getHeapStatistics } from 'node:v8';
import { GcBudget } from './gc-budget.ts';
import { InFlightRequests } from './in-flight.ts';
import { MajorGcs, type MajorGc } from './major-gcs.ts';
import { readPostGcMemory, type PostGcMemory } from './post-gc-memory.ts';

export interface HeapSample extends PostGcMemory {
	at: number;
	/** How long our forced GC (and what was read with it) blocked the event loop; 0 after one of V8's. */
	gcMs: number;
	/** Requests were in flight: their memory is split across this sample, so request counts are fuzzy here. */
	busy: boolean;
	/**
	 * `forced`: our full GC, with what collect() read right after it. `natural`: read after a major GC
	 * that V8 ran on its own; collect() did not run (its reading would have forced another GC).
	 */
	source: 'forced' | 'natural';
}

/** A forced GC would now block longer than the pause cap, so it waits for quiet spells this long. */
export interface LongPause {
	liveHeapBytes: number;
	predictedMs: number;
	quietMs: number;
}

export interface IdleSamplerOptions<Collected> {
	/** Least time between two samples. */
	intervalMs: number;
	/** Under traffic that never pauses, a sample is taken anyway once the last is this old (asked each time). */
	busyAfterMs(): number;
	/**
	 * Runs a full GC, and reads whatever must be read right after one: the heap is measured when it
	 * returns, so it must leave behind no more than a full GC would.
	 */
	collect(): Collected;
	/** `collected` is undefined for a natural sample. */
	onSample(sample: HeapSample, collected: Collected | undefined): void;
	/** Our own failures: reported, never thrown from a timer into the dev server. */
	onError(error: unknown): void;
	/** Runs a function outside any request's async context (request/outside-requests.ts), so our timers keep no request alive. */
	detach<T>(fn: () => T): T;
	/**
	 * The first time a post-GC reading shows a heap whose forced GC would block longer than the pause
	 * cap: from then on samples wait for quiet spells, so verdicts come slower. Said once per sampler.
	 */
	onLongPause?(pause: LongPause): void;
}

/**
 * What each forced sample of ours cost, published for benchmarks and for anyone who checks:
 * `{ ms, blockedMs, heapBytes }`: the GC alone (V8's figure), the whole sample (GC and profile read).
 */
export const GC_CHANNEL = 'heapwatch:gc';
const gcChannel = channel(GC_CHANNEL);

/**
 * How long the server must have been idle before an idle sample. A response's 'finish' can come
 * before the code that produced it has unwound: sampled at once, its request's data may still be
 * reachable, and a clean route looks as if it kept it. A person's next request comes later than
 * this; a client that sends the next one at once gets busy samples instead.
 */
const SETTLE_MS = 30;

/**
 * When a forced GC would block longer than the pause cap (a big heap), it is run only after this
 * long without a request starting or ending: a person reading a page, not a client waiting. Under
 * traffic with no such pause (tests, load), the only samples are V8's own major GCs, which a big heap
 * makes rare (none in 26 s of bench:detect's browsing at +400 MB, measured). Automated traffic
 * seldom pauses this long; a person reading a page does.
 */
const QUIET_MS = 5_000;

/**
 * A natural GC's figure read later than this after it is not used as a sample: JavaScript ran in
 * between (the old generation may have grown by what it allocated straight there).
 */
const STALE_NATURAL_MS = 1_000;

/**
 * Takes post-GC heap samples while no request is in flight, within a GC budget.
 *
 * In flight: requests younger than HELD_AFTER_MS (in-flight.ts). An SSE tab, a long poll or a
 * streamed response stays open for minutes and is not waited for.
 *
 * Budget (gc-budget.ts): a forced full GC costs with the live heap (~50 ms at 60 MB, 450 ms to 1.4 s
 * at 400-550 MB, measured), so forced GCs take at most ~3% of wall time (a token bucket, so a few come
 * at the sample interval after a quiet spell), and one predicted to block longer than ~100 ms is run
 * only after QUIET_MS without requests. Meanwhile the major GCs V8 runs on its own are samples too: the
 * old generation read right after one is a post-GC figure that cost nothing (major-gcs.ts), with
 * no allocation profile (reading that forces a full GC: HeapProfiler.getSamplingProfile does).
 *
 * Under traffic that never pauses there is no idle moment. Holding new requests until those in flight
 * finish cost ~10% throughput and doubled p99 (measured), so instead a "busy" sample is taken once the
 * last one is busyAfterMs old, if the budget allows. Allocation trends do not mind (an in-flight
 * request's objects come and go like any other turnover); the count regression skips the intervals
 * next to a busy sample.
 */
export class IdleSampler<Collected> {
	#options: IdleSamplerOptions<Collected>;
	#requests = new InFlightRequests();
	#budget: GcBudget;
	#majorGcs: MajorGcs | undefined;
	#lastSampleAt = 0;
	#lastEndedAt = 0;
	/** A request started or ended (held ones included). */
	#lastActivityAt = 0;
	/**
	 * Old generation after the latest major GC, ours or V8's: what the next forced GC has to mark. One
	 * of V8's can read tens of MB high (what died while it marked: 23-45 MB on a ~60 MB heap under churn,
	 * measured), which errs on the side of no forced GC. The smallest of recent readings erred the other
	 * way: a heap that grew from ~40 to ~470 MB kept a small reading for three GCs, and a 219 ms forced GC
	 * ran under load (measured).
	 */
	#liveHeap: number;
	/** The old generation after our latest forced GC. */
	#forcedLive = 0;
	/** #liveHeap comes from a post-GC reading, not the start-up figure (garbage included). */
	#liveHeapMeasured = false;
	#longPauseSaid = false;
	#dirty = true;
	/** How long the latest forced sample blocked, until its GC's own figure arrives. */
	#blockedMs = 0;
	#timer: NodeJS.Timeout | undefined;
	#timerDue = Infinity;
	#closed = false;

	constructor(options: IdleSamplerOptions<Collected>) {
		this.#options = options;
		this.#budget = new GcBudget(Date.now());
		this.#liveHeap = getHeapStatistics().used_heap_size;
		try {
			this.#majorGcs = new MajorGcs((gc) => this.#onMajorGc(gc));
		} catch (error) {
			// Without it, only forced samples, their cost predicted from the whole sample's time.
			options.onError(error);
		}
	}

	/**
	 * A forced GC would block longer than the pause cap (a big heap): it runs only after a quiet spell,
	 * and V8's own major GCs are the samples meanwhile. False until a post-GC reading says so.
	 */
	get quietSpellsOnly(): boolean {
		return this.#liveHeapMeasured && this.#budget.tooLong(this.#liveHeap);
	}

	/** Requests in flight that count (held ones do not): 0 means idle. */
	get inFlight(): number {
		return this.#requests.active(Date.now());
	}

	/** A request started; `request` is its key for ended(). */
	started(request: object): void {
		const now = Date.now();
		this.#requests.add(request, now);
		this.#lastActivityAt = now;
		// Only a busy sample can be due while this request runs; skip the work when none can be.
		if (now - this.#lastSampleAt >= this.#options.busyAfterMs()) this.#schedule(true);
	}

	ended(request: object): void {
		const now = Date.now();
		this.#requests.remove(request);
		this.#dirty = true;
		this.#lastEndedAt = now;
		this.#lastActivityAt = now;
		this.#schedule(false);
	}

	close(): void {
		this.#closed = true;
		clearTimeout(this.#timer);
		this.#majorGcs?.close();
	}

	/**
	 * When a forced sample may be taken, from what is known now (undefined: wait for a request to end).
	 * Asked again whenever the timer fires, so a due time that moved later is simply re-armed. `busy`:
	 * asked as a request starts, when a busy sample may be due (traffic that never pauses).
	 */
	#dueAt(now: number, busy: boolean): number | undefined {
		if (!this.#dirty || this.#closed) return undefined;
		const active = this.#requests.active(now);
		let due = Math.max(this.#lastSampleAt + this.#options.intervalMs, now + this.#budget.waitMs(this.#liveHeap, now));
		if (this.#budget.tooLong(this.#liveHeap)) {
			// Nobody may wait on a long pause: only after a quiet spell, with nothing young in flight.
			return Math.max(due, this.#lastActivityAt + QUIET_MS, this.#requests.allHeldAt(now) ?? 0);
		}
		if (active > 0) {
			if (busy && now - this.#lastSampleAt >= this.#options.busyAfterMs()) return due;
			// Idle once they end (ended() asks again), or once they have run long enough to count as held.
			due = Math.max(due, this.#requests.allHeldAt(now)!);
		}
		return Math.max(due, this.#lastEndedAt + SETTLE_MS);
	}

	#schedule(busy: boolean): void {
		const now = Date.now();
		const due = this.#dueAt(now, busy);
		if (due === undefined || due >= this.#timerDue) return;
		clearTimeout(this.#timer);
		this.#timerDue = due;
		this.#timer = this.#options.detach(() =>
			setTimeout(
				() => {
					this.#timer = undefined;
					this.#timerDue = Infinity;
					const at = Date.now();
					const next = this.#dueAt(at, busy);
					if (next === undefined) return;
					if (next > at) this.#schedule(busy);
					else this.#sample();
				},
				Math.max(0, due - now)
			).unref()
		);
	}

	#sample(): void {
		this.#lastSampleAt = Date.now();
		this.#dirty = false;
		const busy = this.#requests.active(this.#lastSampleAt) > 0;
		try {
			const started = performance.now();
			const collected = this.#options.collect();
			const ended = performance.now();
			const gcMs = ended - started;
			const memory = readPostGcMemory();
			this.#measuredLiveHeap(memory.heapUsed);
			this.#forcedLive = memory.heapUsed;
			this.#blockedMs = gcMs;
			if (this.#majorGcs) this.#majorGcs.forced(started, ended);
			else this.#spent(gcMs);
			this.#options.onSample({ ...memory, at: this.#lastSampleAt, gcMs, busy, source: 'forced' }, collected);
		} catch (error) {
			this.#options.onError(error);
		}
	}

	/** A post-GC reading of the live heap: what the next forced GC has to mark. */
	#measuredLiveHeap(bytes: number): void {
		this.#liveHeap = bytes;
		this.#liveHeapMeasured = true;
		this.#sayLongPause();
	}

	/** Once, as soon as what decides it changes (a post-GC reading, or a forced GC's timing) puts a forced GC over the cap. */
	#sayLongPause(): void {
		if (this.#longPauseSaid || !this.quietSpellsOnly) return;
		this.#longPauseSaid = true;
		this.#options.onLongPause?.({ liveHeapBytes: this.#liveHeap, predictedMs: this.#budget.predictMs(this.#liveHeap), quietMs: QUIET_MS });
	}

	/**
	 * Our forced GC took `gcMs`: the budget is charged with the GC alone. Reading the profile costs
	 * little once scripts are named; naming them (a new module in the profile) cost up to ~230 ms on a
	 * loaded machine (measured), and charged to the GC budget it starved sampling for half a minute.
	 */
	#spent(gcMs: number): void {
		this.#budget.spend(gcMs, Date.now());
		this.#budget.learn(gcMs, this.#forcedLive);
		this.#sayLongPause();
		if (gcChannel.hasSubscribers) gcChannel.publish({ ms: gcMs, blockedMs: Math.max(gcMs, this.#blockedMs), heapBytes: this.#forcedLive });
	}

	/**
	 * A major GC ran. One of ours: its duration (the GC alone) sets the cost of the next. One of V8's:
	 * its figure is the best guess of the live heap, and a sample while forced GCs are too long to run
	 * under traffic (otherwise those come often enough, and they carry the allocation profile).
	 */
	#onMajorGc({ endedAt, durationMs, ours, followed }: MajorGc): void {
		if (this.#closed) return;
		if (ours) {
			this.#spent(durationMs);
			return;
		}
		this.#options.detach(() => {
			try {
				const memory = readPostGcMemory();
				// Even a stale reading is a fair guess of the live heap (on the high side).
				this.#measuredLiveHeap(memory.heapUsed);
				const now = Date.now();
				if (followed || performance.now() - endedAt > STALE_NATURAL_MS) return;
				if (!this.#dirty || !this.#budget.tooLong(this.#liveHeap)) return;
				if (now - this.#lastSampleAt < this.#options.intervalMs) return;
				this.#lastSampleAt = now;
				// Still dirty: no allocation profile was read, and the requests since the last forced sample
				// are placed only by the next one (after a quiet spell). Cleared here, a server that went quiet
				// right after a natural sample kept its routes `warming` until the next request (seen on a
				// loaded machine, where forced GCs are predicted over the pause cap).
				const busy = this.#requests.active(now) > 0;
				this.#options.onSample({ ...memory, at: now, gcMs: 0, busy, source: 'natural' }, undefined);
			} catch (error) {
				this.#options.onError(error);
			}
		});
	}
}
