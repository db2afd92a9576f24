import { describe, expect, it } from 'vitest';
import { decide, pool, Z, type GateRule } from '../../src/cli/decide.ts';

const rule: GateRule = { threshold: 2048, z: Z, minRuns: 40, maxRuns: 200 };

describe('the gate decision (heapwatch check)', () => {
	it('pools batches: the mean, and the larger of the reported error and the scatter between batches', () => {
		expect(pool([])).toBeUndefined();
		expect(pool([{ bytesPerRequest: 1000, standardError: 400 }])).toEqual({ bytesPerRequest: 1000, standardError: 400, batches: 1 });
		// Reported: sqrt(2 * 300^2) / 2 = 212; scatter: sd 2828 / sqrt(2) = 2000.
		const scattered = pool([
			{ bytesPerRequest: 0, standardError: 300 },
			{ bytesPerRequest: 4000, standardError: 300 }
		])!;
		expect(scattered.bytesPerRequest).toBe(2000);
		expect(scattered.standardError).toBeCloseTo(2000, 6);
	});

	it('calls a leak when the lower bound is above the threshold, at any look', () => {
		expect(decide({ pooled: { bytesPerRequest: 5000, standardError: 1000, batches: 1 }, runs: 20, flagged: false }, rule)).toEqual({
			decision: 'leak',
			final: true
		});
		expect(decide({ pooled: { bytesPerRequest: 4000, standardError: 1000, batches: 1 }, runs: 20, flagged: false }, rule)).toEqual({
			decision: 'undecided',
			final: false
		});
	});

	it("calls a leak whenever heapwatch's own verdicts flag the route, whatever the estimate", () => {
		expect(decide({ pooled: { bytesPerRequest: 0, standardError: 10, batches: 4 }, runs: 80, flagged: true }, rule).decision).toBe('leak');
		expect(decide({ pooled: undefined, runs: 20, flagged: true }, rule).decision).toBe('leak');
	});

	it('calls clean only when the upper bound is below the threshold, after min-runs', () => {
		const low = { bytesPerRequest: 200, standardError: 500, batches: 2 };
		expect(decide({ pooled: low, runs: 20, flagged: false }, rule)).toEqual({ decision: 'undecided', final: false });
		expect(decide({ pooled: low, runs: 40, flagged: false }, rule)).toEqual({ decision: 'clean', final: true });
		// 200 + 2.5 * 800 = 2200: not clearly below.
		expect(decide({ pooled: { ...low, standardError: 800 }, runs: 40, flagged: false }, rule)).toEqual({ decision: 'undecided', final: false });
	});

	it('leaves a borderline estimate undecided at max-runs, never clean', () => {
		const borderline = { bytesPerRequest: 2400, standardError: 300, batches: 10 };
		expect(decide({ pooled: borderline, runs: 200, flagged: false }, rule)).toEqual({ decision: 'undecided', final: true });
		expect(decide({ pooled: undefined, runs: 200, flagged: false }, rule)).toEqual({ decision: 'undecided', final: true });
	});
});
