import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GC_SHARE, GcBudget, MAX_PAUSE_MS } from '../src/heap/gc-budget.ts';
import { HELD_AFTER_MS, InFlightRequests } from '../src/heap/in-flight.ts';
import { IdleSampler, type HeapSample, type LongPause } from '../src/heap/idle-sampler.ts';

const MB = 1024 * 1024;

describe('InFlightRequests', () => {
	it('stops counting a request once it has been in flight longer than the held bound', () => {
		const requests = new InFlightRequests(2000);
		const stream = {};
		const page = {};
		requests.add(stream, 0);
		expect(requests.active(1999)).toBe(1);
		requests.add(page, 2500);
		expect([requests.active(2500), requests.held(2500)]).toEqual([1, 1]);
		expect(requests.allHeldAt(2500)).toBe(4500);
		requests.remove(page);
		expect([requests.active(2600), requests.allHeldAt(2600)]).toEqual([0, undefined]);
		requests.remove(stream);
		expect(requests.held(2600)).toBe(0);
	});
});

describe('GcBudget', () => {
	it('lets a few GCs through at once after a quiet spell, then holds them to 3% of wall time', () => {
		const budget = new GcBudget(0);
		const heap = 50 * MB;
		let now = 0;
		let spent = 0;
		let forced = 0;
		// One forced GC of 50 ms whenever the budget allows, for ten minutes.
		while (now < 600_000) {
			now += Math.max(1000, budget.waitMs(heap, now));
			budget.spend(50, now);
			spent += 50;
			forced++;
		}
		// 3%, plus the credit it started with (a few GCs' worth) spread over ten minutes.
		expect(spent / now).toBeLessThan(GC_SHARE * 1.02);
		expect(spent / now).toBeGreaterThan(GC_SHARE * 0.9);
		expect(forced).toBeGreaterThan(300);
	});

	it('predicts the next GC from the cheapest of the last three per MB, and calls one over the pause cap too long', () => {
		const budget = new GcBudget(0);
		budget.learn(50, 60 * MB);
		budget.spend(50, 1000);
		expect(budget.predictMs(60 * MB)).toBeCloseTo(50);
		expect(budget.tooLong(100 * MB)).toBe(false);
		expect(budget.tooLong(400 * MB)).toBe(true);
		// One slow GC (another process on the cores) does not stop forced samples at 60 MB.
		budget.learn(200, 60 * MB);
		expect(budget.tooLong(60 * MB)).toBe(false);
		// A heap that is dear to collect is dear every time.
		for (let i = 0; i < 3; i++) budget.learn(1000, 400 * MB);
		expect(budget.predictMs(400 * MB)).toBeCloseTo(1000);
		// A 450 ms GC is paid back at 3% of wall time: the next one waits ~15 s.
		budget.spend(450, 2000);
		expect(budget.waitMs(400 * MB, 2000)).toBeGreaterThan(450 / GC_SHARE);
		expect(budget.predictMs(400 * MB)).toBeGreaterThan(MAX_PAUSE_MS);
	});
});

describe('IdleSampler', () => {
	beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
	afterEach(() => vi.useRealTimers());

	function sampler() {
		const samples: HeapSample[] = [];
		const idle = new IdleSampler({
			intervalMs: 1000,
			busyAfterMs: () => 1500,
			collect: () => 'collected',
			onSample: (sample) => samples.push(sample),
			onError: (error) => {
				throw error;
			},
			detach: (fn) => fn()
		});
		return { idle, samples };
	}

	/** A request that takes `ms` of fake time, from start to end. */
	function requestLasting(idle: IdleSampler<unknown>, ms: number) {
		const request = {};
		idle.started(request);
		vi.advanceTimersByTime(ms);
		idle.ended(request);
	}

	it('samples while an SSE request stays open, once it has been open longer than the held bound', () => {
		const { idle, samples } = sampler();
		// The first request of a process is sampled at once (nothing to wait for); this test starts after it.
		requestLasting(idle, 10);
		expect(samples).toHaveLength(1);
		vi.advanceTimersByTime(5000);
		samples.length = 0;
		const stream = {};
		idle.started(stream);
		requestLasting(idle, 50);
		// The stream is young: in flight as far as anyone can tell.
		vi.advanceTimersByTime(1000);
		expect(samples).toHaveLength(0);
		expect(idle.inFlight).toBe(1);
		// Held now: the server is idle, and the request that ended gets its sample.
		vi.advanceTimersByTime(HELD_AFTER_MS);
		expect(idle.inFlight).toBe(0);
		expect(samples).toHaveLength(1);
		expect(samples[0]).toMatchObject({ busy: false, source: 'forced' });
		// Later requests are sampled as if the stream were not there.
		for (let i = 0; i < 3; i++) {
			requestLasting(idle, 20);
			vi.advanceTimersByTime(1500);
		}
		expect(samples).toHaveLength(4);
		expect(samples.every((sample) => !sample.busy)).toBe(true);
		idle.close();
	});

	it('does not sample while a young request is in flight, and takes a busy sample under traffic that never pauses', () => {
		const { idle, samples } = sampler();
		let previous: object | undefined;
		for (let ms = 0; ms < 1400; ms += 100) {
			const next = {};
			idle.started(next);
			if (previous) idle.ended(previous);
			previous = next;
			vi.advanceTimersByTime(100);
		}
		expect(samples).toHaveLength(1); // the first request of a process is sampled at once
		for (let ms = 0; ms < 2000; ms += 100) {
			const next = {};
			idle.started(next);
			idle.ended(previous!);
			previous = next;
			vi.advanceTimersByTime(100);
		}
		// Every 1.5 s although no moment was idle.
		expect(samples.length).toBe(3);
		expect(samples.slice(1).every((sample) => sample.busy)).toBe(true);
		idle.close();
	});
});

describe('IdleSampler on a big heap', () => {
	it("forces no GC while requests come and go, and takes V8's own major GCs as samples", async () => {
		// ~250 MB of small live objects: a forced GC would be predicted well over the pause cap.
		const ballast: object[][] = [];
		for (let n = 0; n < 600; n++) ballast.push(Array.from({ length: 10_000 }, (_, i) => ({ i, n })));
		setFlagsFromString('--expose-gc');
		const gc = runInNewContext('gc') as () => void;
		const samples: HeapSample[] = [];
		let forced = 0;
		const longPauses: LongPause[] = [];
		const idle = new IdleSampler({
			intervalMs: 100,
			busyAfterMs: () => 150,
			collect: () => forced++,
			onSample: (sample) => samples.push(sample),
			onLongPause: (pause) => longPauses.push(pause),
			onError: (error) => {
				throw error;
			},
			detach: (fn) => fn()
		});
		try {
			for (let i = 0; i < 10; i++) {
				const request = {};
				idle.started(request);
				await new Promise((resolve) => setTimeout(resolve, 20));
				idle.ended(request);
				await new Promise((resolve) => setTimeout(resolve, 60));
			}
			expect(forced).toBe(0);
			// Nothing said yet: the start-up figure includes garbage, only a post-GC reading counts.
			expect(longPauses).toEqual([]);
			expect(idle.quietSpellsOnly).toBe(false);
			// A major GC that is not ours, as V8 runs when the old generation fills up.
			gc();
			// Its observer runs a moment later (later still on a loaded machine).
			await vi.waitFor(() => expect(samples).toHaveLength(1), { timeout: 1000 });
			expect(forced).toBe(0);
			expect(samples[0]).toMatchObject({ source: 'natural', gcMs: 0, busy: false });
			expect(samples[0].heapUsed).toBeGreaterThan(150 * 1024 * 1024);
			// It read no allocation profile: once the server has been quiet for a while (5 s), a forced sample
			// reads one for the requests before it, rather than leaving them to whenever the next request ends.
			await vi.waitFor(() => expect(forced).toBe(1), { timeout: 8000, interval: 100 });
			expect(samples.at(-1)).toMatchObject({ source: 'forced', busy: false });
			// Why verdicts wait was said, once, with the heap that makes it so.
			expect(idle.quietSpellsOnly).toBe(true);
			expect(longPauses).toHaveLength(1);
			expect(longPauses[0].liveHeapBytes).toBeGreaterThan(150 * 1024 * 1024);
			expect(longPauses[0].predictedMs).toBeGreaterThan(100);
		} finally {
			idle.close();
			ballast.length = 0;
		}
	});
});
