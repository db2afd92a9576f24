import { describe, expect, it } from 'vitest';
import { LiveBytesTrend } from '../src/estimator/live-bytes-trend.ts';
import { nextVerdict, type RouteEstimate } from '../src/estimator/verdict.ts';
import type { Verdict } from '../src/protocol/report.ts';
import { sampled, seededRandom } from './synthetic.ts';

const INTERVAL = 16 * 1024;
const options = { leakThreshold: 2048, minRequests: 6 };

/**
 * Feeds a route's series as the monitor would: one point per post-GC sample, `perSample` requests
 * between samples. `retainedAfter(n)` is the true live bytes after n requests; `churn` the bytes
 * allocated and freed again (still alive at one sample, gone at the next) per request.
 */
function run(retainedAfter: (requests: number) => number, { samples = 12, perSample = 3, churn = 0, seed = 1 } = {}) {
	const random = seededRandom(seed);
	const trend = new LiveBytesTrend();
	const verdicts: Verdict[] = [];
	let verdict: Verdict = 'warming';
	let turnover = 0;
	for (let s = 1; s <= samples; s++) {
		const requests = s * perSample;
		turnover += sampled(churn * perSample + Math.abs(retainedAfter(requests) - retainedAfter(requests - perSample)), INTERVAL, random);
		trend.add({ requests, liveBytes: sampled(retainedAfter(requests), INTERVAL, random), turnover });
		const estimate = trend.estimate(20, INTERVAL);
		verdict = nextVerdict(verdict, estimate && toRouteEstimate(estimate), options);
		verdicts.push(verdict);
	}
	return { verdicts, final: verdict, estimate: trend.estimate(20, INTERVAL) };
}

const toRouteEstimate = (e: { bytesPerRequest: number; standardError: number; requests: number }): RouteEstimate => ({
	...e,
	externalBytesPerRequest: 0
});

describe('live-bytes trend and verdict', () => {
	it('flags a steady leak of 100 KB per request within a few samples', () => {
		const { verdicts, estimate } = run((n) => n * 100 * 1024);
		expect(verdicts.indexOf('leak')).toBeGreaterThanOrEqual(0);
		expect(verdicts.indexOf('leak')).toBeLessThanOrEqual(3);
		expect(estimate!.bytesPerRequest).toBeGreaterThan(90 * 1024);
		expect(estimate!.bytesPerRequest).toBeLessThan(110 * 1024);
	});

	it('flags an 8 KB leak, half a sample per request, within about 20 requests', () => {
		// Three requests per sample, as when browsing ~15 routes with one sample a second.
		const flaggedAt = Array.from({ length: 10 }, (_, i) => {
			const { verdicts } = run((n) => n * 8 * 1024, { samples: 20, seed: i + 1 });
			return (verdicts.indexOf('leak') + 1) * 3;
		});
		expect(Math.min(...flaggedAt)).toBeGreaterThan(0);
		expect(Math.max(...flaggedAt)).toBeLessThanOrEqual(24);
	});

	it('keeps a route with only noise at ok', () => {
		for (let seed = 1; seed <= 20; seed++) {
			const { verdicts } = run(() => 200 * 1024, { churn: 100 * 1024, seed });
			expect(verdicts).not.toContain('leak');
		}
	});

	it('clears a bounded cache about a window after it stops growing', () => {
		// 16 entries of 100 KB, one per request, then evictions keep it flat (the LRU of the lab).
		const { verdicts } = run((n) => Math.min(n, 16) * 100 * 1024, { samples: 20, churn: 100 * 1024 });
		const flagged = verdicts.indexOf('leak');
		expect(flagged).toBeGreaterThanOrEqual(0);
		const cleared = verdicts.indexOf('ok', flagged);
		expect(cleared).toBeGreaterThan(flagged);
		// Flat from request 16 (sample 6); the window is 20 requests, about 7 samples.
		expect(cleared * 3).toBeLessThanOrEqual(16 + 20 + 6);
		expect(verdicts.at(-1)).toBe('ok');
	});

	it('does not take a warm-up spike at the first point for a leak', () => {
		// A lazily built 5 MB singleton shows in the first point only.
		const { verdicts } = run((n) => (n > 0 ? 5 * 1024 * 1024 : 0));
		expect(verdicts).not.toContain('leak');
	});

	it('needs minRequests before any verdict', () => {
		const trend = new LiveBytesTrend();
		trend.add({ requests: 1, liveBytes: 0, turnover: 0 });
		trend.add({ requests: 3, liveBytes: 1e6, turnover: 1e6 });
		expect(nextVerdict('warming', toRouteEstimate(trend.estimate(20, INTERVAL)!), options)).toBe('warming');
	});
});
