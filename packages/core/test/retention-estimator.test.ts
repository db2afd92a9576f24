import { describe, expect, it } from 'vitest';
import { RetentionEstimator } from '../src/estimator/retention-estimator.ts';
import type { Interval } from '../src/estimator/interval.ts';
import { seededRandom } from './synthetic.ts';

const ROUTES = ['/a', '/b', '/c', '/d'];

/**
 * Intervals between post-GC samples under concurrent traffic: each interval holds a random mix of
 * requests (overlapping requests all land in one interval), the heap moves by what the leaking
 * routes keep plus noise.
 */
function concurrentTraffic(trueBytes: Record<string, number>, { intervals = 40, noise = 2048, seed = 7, warmFirst = 0 } = {}): Interval[] {
	const random = seededRandom(seed);
	return Array.from({ length: intervals }, (_, k) => {
		const counts = new Map<string, number>();
		let delta = (random() - 0.5) * 2 * noise;
		for (const route of ROUTES) {
			const n = Math.floor(random() * 8);
			if (n === 0) continue;
			counts.set(route, n);
			delta += n * (trueBytes[route] ?? 0);
		}
		return {
			epoch: 0,
			unattributedHeapBytes: delta,
			externalDeltaBytes: 0,
			counts,
			bufferSurvivors: new Map(),
			bufferMeasured: new Map(),
			warm: k < warmFirst,
			busy: false
		};
	});
}

/**
 * An interval whose external memory grew by `growth`: per route, its requests, the Buffer bytes the
 * measured ones left past a minor GC, and how many were measured (all of them unless said).
 */
function bufferInterval(growth: number, routes: Record<string, [requests: number, survived: number, measured?: number]>): Interval {
	const entries = Object.entries(routes);
	return {
		epoch: 0,
		unattributedHeapBytes: 0,
		externalDeltaBytes: growth,
		counts: new Map(entries.map(([route, [requests]]) => [route, requests])),
		bufferSurvivors: new Map(entries.map(([route, [, survived]]) => [route, survived])),
		bufferMeasured: new Map(entries.map(([route, [requests, , measured]]) => [route, measured ?? requests])),
		warm: false,
		busy: false
	};
}

function estimatorWith(intervals: Interval[]) {
	const estimator = new RetentionEstimator({ window: 20, minIntervals: 3, capacity: 512 });
	for (const interval of intervals) estimator.add(interval);
	return estimator;
}

describe('retention estimator (what sampling cannot place)', () => {
	it('separates interleaved routes: only the leaking one gets the growth', () => {
		const estimator = estimatorWith(concurrentTraffic({ '/b': 30_000 }));
		const b = estimator.estimate('/b', 0)!;
		expect(b.heapBytesPerRequest).toBeGreaterThan(25_000);
		expect(b.heapBytesPerRequest).toBeLessThan(35_000);
		for (const clean of ['/a', '/c', '/d']) {
			const estimate = estimator.estimate(clean, 0)!;
			expect(estimate.heapBytesPerRequest - 2 * estimate.heapStandardError).toBeLessThan(1024);
		}
	});

	it('says nothing while there are fewer intervals than routes to tell apart', () => {
		const estimator = estimatorWith(concurrentTraffic({ '/b': 30_000 }, { intervals: 4 }));
		expect(estimator.estimate('/b', 0)!.heapBytesPerRequest).toBe(0);
	});

	it('skips warm-up intervals', () => {
		const intervals = concurrentTraffic({}, { warmFirst: 5 });
		for (const interval of intervals.slice(0, 5)) interval.unattributedHeapBytes += 5e6;
		const estimate = estimatorWith(intervals).estimate('/a', 0)!;
		expect(estimate.heapBytesPerRequest - 2 * estimate.heapStandardError).toBeLessThan(1024);
	});

	it('only reads intervals of the current epoch', () => {
		const estimator = estimatorWith(concurrentTraffic({ '/b': 30_000 }));
		expect(estimator.estimate('/b', 1)).toBeUndefined();
	});

	it('counts Buffers that outlive the major GC, not those that only outlive a minor one', () => {
		const random = seededRandom(3);
		const intervals = Array.from({ length: 30 }, () => {
			const kept = 1 + Math.floor(random() * 3);
			const replaced = 1 + Math.floor(random() * 3);
			// '/cache' keeps 64 KB per request; '/lru' keeps 64 KB past the minor GC but evicts as much.
			return bufferInterval(kept * 65_536 + (random() - 0.5) * 4096, {
				'/cache': [kept, kept * 65_536],
				'/lru': [replaced, replaced * 65_536]
			});
		});
		const estimator = estimatorWith(intervals);
		expect(estimator.estimate('/cache', 0)!.externalBytesPerRequest).toBeGreaterThan(60_000);
		expect(estimator.estimate('/lru', 0)!.externalBytesPerRequest).toBe(0);
	});

	it('flags neither of two Buffer routes always requested together, when either could keep what grows', () => {
		// '/cache' caches what it reads through a stream, '/read' drops it: both leave 64 KB past the minor GC
		// (a stream's chunks outlive it), and a crawl requests them once per round, with a sample per round or two.
		const random = seededRandom(5);
		const intervals = Array.from({ length: 30 }, () => {
			const rounds = 1 + Math.floor(random() * 2);
			const survived = () => rounds * (65_536 + (random() - 0.5) * 4096);
			return bufferInterval(rounds * 65_536 + (random() - 0.5) * 4096, { '/cache': [rounds, survived()], '/read': [rounds, survived()] });
		});
		const estimator = estimatorWith(intervals);
		for (const route of ['/cache', '/read']) expect(estimator.estimate(route, 0)!.externalBytesPerRequest, route).toBeLessThan(2048);
	});

	/**
	 * A crawl of the lab, as the dev server measures it: '/cache' keeps the 64 KB it reads through a stream
	 * (and leaves ~130 KB past a minor GC: the chunks and the copy), '/read' drops it (64 KB past the minor
	 * GC), '/thumbs' keeps a 64 KB Buffer. Only requests that ran alone are measured: about two in three.
	 */
	function labCrawl(seed: number, together: boolean): Interval[] {
		const random = seededRandom(seed);
		const routes = { '/cache': [65_536, 133_000], '/read': [0, 65_536], '/thumbs': [65_536, 65_536] } as const;
		return Array.from({ length: 30 }, () => {
			let growth = (random() - 0.5) * 16_384;
			const entries: Record<string, [number, number, number]> = {};
			for (const [route, [kept, left]] of Object.entries(routes)) {
				const requests = together ? 3 : Math.floor(random() * 5);
				if (requests === 0) continue;
				let measured = 0;
				for (let i = 0; i < requests; i++) if (random() < 2 / 3) measured++;
				entries[route] = [requests, measured * left * (1 + (random() - 0.5) * 0.2), measured];
				growth += requests * kept;
			}
			return bufferInterval(growth, entries);
		});
	}

	it('reads what a request leaves past a minor GC from the measured ones, so that unmeasured partners do not pass their growth to a clean route', () => {
		for (const seed of [11, 12, 13]) {
			const estimator = estimatorWith(labCrawl(seed, true));
			expect(estimator.estimate('/read', 0)!.externalBytesPerRequest, `seed ${seed}`).toBeLessThan(2048);
		}
	});

	it('still gives each keeper its Buffers once the routes come apart, with a third of requests unmeasured', () => {
		for (const seed of [21, 22, 23]) {
			const estimator = estimatorWith(labCrawl(seed, false));
			expect(estimator.estimate('/read', 0)!.externalBytesPerRequest, `seed ${seed}`).toBeLessThan(2048);
			for (const keeper of ['/cache', '/thumbs']) {
				const kept = estimator.estimate(keeper, 0)!.externalBytesPerRequest;
				expect(kept, `${keeper}, seed ${seed}`).toBeGreaterThan(50_000);
				expect(kept, `${keeper}, seed ${seed}`).toBeLessThan(80_000);
			}
		}
	});
});
