import { describe, expect, it } from 'vitest';
import { decide, pool, Z, type GateRule } from '../../src/cli/decide.ts';

const rule: GateRule = { threshold: 2048, z: Z, minRuns: 40, maxRuns: 300 };
const pooled = (bytesPerRequest: number, standardError: number, batches = 2) => ({ bytesPerRequest, standardError, batches });

describe('the gate decision (heapwatch check)', () => {
	it('pools batches by inverse variance; a batch heapwatch could not pin down weighs nothing', () => {
		expect(pool([])).toBeUndefined();
		expect(pool([{ bytesPerRequest: 1000, standardError: 400 }])).toEqual({ bytesPerRequest: 1000, standardError: 400, batches: 1 });
		const agreeing = pool([
			{ bytesPerRequest: 1000, standardError: 400 },
			{ bytesPerRequest: 1200, standardError: 400 },
			{ bytesPerRequest: 90_000, standardError: Infinity }
		])!;
		expect(agreeing.batches).toBe(2);
		expect(agreeing.bytesPerRequest).toBeCloseTo(1100, 6);
		expect(agreeing.standardError).toBeCloseTo(400 / Math.SQRT2, 6);
	});

	it('widens the error when batches disagree more than their errors say (Birge ratio)', () => {
		// Weighted mean 2000; chi-square (2000/300)^2 * 2 = 88.9 on 1 degree of freedom: ratio 9.43.
		const scattered = pool([
			{ bytesPerRequest: 0, standardError: 300 },
			{ bytesPerRequest: 4000, standardError: 300 }
		])!;
		expect(scattered.bytesPerRequest).toBeCloseTo(2000, 6);
		expect(scattered.standardError).toBeCloseTo(2000, 6);
	});

	it('calls a leak when the lower bound is above the threshold, from the second batch on', () => {
		expect(decide({ pooled: pooled(5000, 1000), runs: 40, flagged: false }, rule)).toEqual({ decision: 'leak', final: true });
		expect(decide({ pooled: pooled(5000, 1000, 1), runs: 20, flagged: false }, rule)).toEqual({ decision: 'undecided', final: false });
		expect(decide({ pooled: pooled(4000, 1000), runs: 40, flagged: false }, rule)).toEqual({ decision: 'undecided', final: false });
	});

	it('calls a leak at once when heapwatch counts one (handles, an unbounded collection), whatever the estimate', () => {
		expect(decide({ pooled: pooled(0, 10, 4), runs: 80, flagged: true }, rule).decision).toBe('leak');
		expect(decide({ pooled: undefined, runs: 20, flagged: true }, rule).decision).toBe('leak');
	});

	it('calls clean only when the upper bound is below the threshold, after min-runs', () => {
		expect(decide({ pooled: pooled(200, 500), runs: 20, flagged: false }, rule)).toEqual({ decision: 'undecided', final: false });
		expect(decide({ pooled: pooled(200, 500), runs: 40, flagged: false }, rule)).toEqual({ decision: 'clean', final: true });
		// 200 + 2 * 1000 = 2200: not clearly below.
		expect(decide({ pooled: pooled(200, 1000), runs: 40, flagged: false }, rule)).toEqual({ decision: 'undecided', final: false });
	});

	it('leaves a borderline estimate undecided at max-runs, never clean', () => {
		expect(decide({ pooled: pooled(2400, 300, 15), runs: 300, flagged: false }, rule)).toEqual({ decision: 'undecided', final: true });
		expect(decide({ pooled: undefined, runs: 300, flagged: false }, rule)).toEqual({ decision: 'undecided', final: true });
	});
});
