import { describe, expect, it } from 'vitest';
import type { RouteReport } from '@heapwatch/core';
import { decide, Z, type GateRule } from '../../src/cli/decide.ts';
import { trendEstimate } from '../../src/cli/trend.ts';

const rule: GateRule = { threshold: 2048, z: Z, minRuns: 40, maxRuns: 300 };
const estimate = (bytesPerRequest: number, standardError: number, points = 30) => ({ bytesPerRequest, standardError, points });
const KB = 1024;

/** A route as heapwatch reports it, with the trend points the gate reads. */
function routeWith(
	history: { requests: number; liveBytes: number; lastingTurnover?: number }[],
	external = 0,
	retainedStandardError: number | null = null
): RouteReport {
	return { history: history.map((p) => ({ lastingTurnover: 0, ...p })), externalBytesPerRequest: external, retainedStandardError } as RouteReport;
}

describe('the trend the gate decides on (heapwatch check)', () => {
	it('is the slope of live bytes over the requests from a point on, its error from the scatter', () => {
		// 3 KB per request from request 20 on, with ±8 KB of noise; before that, a cache filling fast.
		const history = [0, 10, 20, 30, 40, 50, 60].map((requests, i) => ({
			requests,
			liveBytes: requests < 20 ? requests * 50 * KB : 3 * KB * requests + (i % 2 ? 8 : -8) * KB
		}));
		const trend = trendEstimate(routeWith(history), 20, 16 * KB)!;
		expect(trend.points).toBe(5);
		expect(trend.bytesPerRequest).toBeCloseTo(3 * KB - (8 * KB * 2) / 1000, -2);
		expect(trend.standardError).toBeGreaterThan(200);
		expect(trend.standardError).toBeLessThan(KB);
	});

	it('errs at least by the sampling noise of the bytes that came and went: an LRU replacing entries is a random walk', () => {
		// A bounded cache: flat on average, but each replaced entry is a whole number of 16 KB samples.
		const walk = [0, 10, 20, 30, 40].map((requests, i) => ({ requests, liveBytes: [400, 432, 448, 480, 512][i] * KB, lastingTurnover: requests * 40 * KB }));
		const trend = trendEstimate(routeWith(walk), 0, 16 * KB)!;
		expect(trend.bytesPerRequest).toBeGreaterThan(2.5 * KB);
		// sqrt((1600 KB + 16 KB) * 16 KB) / 40 requests = ~4 KB: not a leak at two standard errors.
		expect(trend.standardError).toBeCloseTo((Math.sqrt((1600 + 16) * 16) * KB) / 40, 0);
		expect(decide({ estimate: trend, runs: 60, flagged: false }, rule).decision).toBe('undecided');
	});

	it('never errs below one sampled allocation over its span, and has none on fewer than two points', () => {
		const flat = [0, 20, 40, 60].map((requests) => ({ requests, liveBytes: 64 * KB }));
		expect(trendEstimate(routeWith(flat), 0, 16 * KB)).toEqual({ bytesPerRequest: 0, standardError: (16 * KB) / 60, points: 4 });
		expect(trendEstimate(routeWith(flat), 60, 16 * KB)).toBeUndefined();
	});

	it('adds the Buffers heapwatch estimates, with their error', () => {
		const flat = [0, 20, 40, 60].map((requests) => ({ requests, liveBytes: 0 }));
		const trend = trendEstimate(routeWith(flat, 5000, 800), 0, 16 * KB)!;
		expect(trend.bytesPerRequest).toBe(5000);
		expect(trend.standardError).toBeCloseTo(Math.hypot(800, (16 * KB) / 60), 6);
	});
});

describe('the gate decision (heapwatch check)', () => {
	it("widens the bounds by Student's t on a trend of few points", () => {
		// 5.6 ± 1.6 KB on 7 points (a clean route in a CI run): two errors say leak, t(5) = 2.57 does not.
		expect(decide({ estimate: estimate(5639, 1638, 7), runs: 40, flagged: false }, rule).decision).toBe('undecided');
		expect(decide({ estimate: estimate(5639, 1638, 30), runs: 40, flagged: false }, rule).decision).toBe('leak');
	});

	it('calls a leak when the lower bound is above the threshold, once the trend has four points', () => {
		expect(decide({ estimate: estimate(5000, 1000), runs: 40, flagged: false }, rule)).toEqual({ decision: 'leak', final: true });
		expect(decide({ estimate: estimate(5000, 1000, 3), runs: 20, flagged: false }, rule)).toEqual({ decision: 'undecided', final: false });
		expect(decide({ estimate: estimate(4000, 1000), runs: 40, flagged: false }, rule)).toEqual({ decision: 'undecided', final: false });
	});

	it('calls a leak at once when heapwatch counts one (handles, an unbounded collection), whatever the estimate', () => {
		expect(decide({ estimate: estimate(0, 10, 8), runs: 80, flagged: true }, rule).decision).toBe('leak');
		expect(decide({ estimate: undefined, runs: 20, flagged: true }, rule).decision).toBe('leak');
	});

	it('calls clean only when the upper bound is below the threshold, after min-runs', () => {
		expect(decide({ estimate: estimate(200, 500), runs: 20, flagged: false }, rule)).toEqual({ decision: 'undecided', final: false });
		expect(decide({ estimate: estimate(200, 500), runs: 40, flagged: false }, rule)).toEqual({ decision: 'clean', final: true });
		// 200 + 2 * 1000 = 2200: not clearly below.
		expect(decide({ estimate: estimate(200, 1000), runs: 40, flagged: false }, rule)).toEqual({ decision: 'undecided', final: false });
	});

	it('leaves a borderline estimate undecided at max-runs, never clean', () => {
		expect(decide({ estimate: estimate(2400, 300, 30), runs: 300, flagged: false }, rule)).toEqual({ decision: 'undecided', final: true });
		expect(decide({ estimate: undefined, runs: 300, flagged: false }, rule)).toEqual({ decision: 'undecided', final: true });
	});
});
