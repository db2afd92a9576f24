import { describe, expect, it } from 'vitest';
import { clearingSlowly } from '../src/findings/subject-verdict.ts';
import { UNPLACED_WINDOW, UnplacedGrowth } from '../src/findings/unplaced-growth.ts';
import type { UnplacedReport, Verdict } from '../src/protocol/report.ts';

// Growth nothing places is judged process-wide, never given to a route. What must hold: it is said
// once when it clearly grows, never from the dev server's start-up shrink or from fewer requests than
// its window, and a stated finding does not flap while the growth goes on.

const KB = 1024;
/** Quiet intervals of 20 requests each (every route's), as the monitor hands them over. */
const REQUESTS_PER_INTERVAL = 20;

function growth() {
	const told: { unplaced: UnplacedReport; previous: Verdict }[] = [];
	const unplaced = new UnplacedGrowth({
		window: 40,
		trendWindow: () => 40,
		leakThreshold: 2 * KB,
		minRequests: 20,
		samplingInterval: () => 32 * KB,
		onError: (error) => {
			throw error;
		},
		onChange: (report, previous) => told.push({ unplaced: report, previous })
	});
	/** `perRequest` bytes per request, plus a deterministic wobble of ±`noise` bytes per interval. */
	const intervals = (count: number, perRequest: number, noise = 0) => {
		for (let i = 0; i < count; i++) unplaced.add(perRequest * REQUESTS_PER_INTERVAL + (i % 2 ? noise : -noise), REQUESTS_PER_INTERVAL);
	};
	return { unplaced, told, intervals };
}

describe('growth nothing places', () => {
	it('is stated once when it clearly grows, over its whole window of requests of every route', () => {
		const { unplaced, told, intervals } = growth();
		intervals(UNPLACED_WINDOW / REQUESTS_PER_INTERVAL - 1, 8 * KB, 20 * KB);
		// Fewer requests than the window: measured, not judged.
		expect(unplaced.report()).toMatchObject({ verdict: 'warming' });
		expect(told).toEqual([]);
		intervals(30, 8 * KB, 20 * KB);
		expect(told).toHaveLength(1);
		expect(told[0]).toMatchObject({ previous: 'warming', unplaced: { verdict: 'leak' } });
		const report = unplaced.report()!;
		expect(report.bytesPerRequest).toBeGreaterThan(7 * KB);
		expect(report.bytesPerRequest).toBeLessThan(9 * KB);
		expect(report.requests).toBeGreaterThanOrEqual(UNPLACED_WINDOW);
		expect(report.firstFlaggedAt).toBeGreaterThanOrEqual(UNPLACED_WINDOW);
	});

	it('holds it to twice the route threshold: it sums the whole dev server’s drift', () => {
		const { unplaced, told, intervals } = growth();
		intervals(40, 3 * KB);
		expect(told).toEqual([]);
		expect(unplaced.report()).toMatchObject({ verdict: 'ok', bytesPerRequest: 3 * KB });
	});

	it('says nothing of a heap that shrinks after start-up and then stays flat', () => {
		const { unplaced, told, intervals } = growth();
		intervals(10, -30 * KB, 10 * KB);
		intervals(40, 0, 30 * KB);
		expect(told).toEqual([]);
		expect(unplaced.report()!.verdict).toBe('ok');
	});

	it('clears a stated leak at the third update in a row that would clear it, not at one that dips', () => {
		const subject = { clearing: 0 };
		const settle = clearingSlowly(subject);
		expect(settle('ok', 'leak')).toBe('leak');
		expect(settle('leak', 'leak')).toBe('leak');
		expect(settle('ok', 'leak')).toBe('leak');
		expect(settle('ok', 'leak')).toBe('leak');
		expect(settle('ok', 'leak')).toBe('ok');
		// Anything not yet stated is not held back.
		expect(settle('ok', 'warming')).toBe('ok');
		expect(settle('leak', 'ok')).toBe('leak');
	});

	it('clears only once the growth has clearly stopped', () => {
		const { told, intervals } = growth();
		intervals(20, 8 * KB);
		expect(told.map((t) => t.unplaced.verdict)).toEqual(['leak']);
		// One flat interval is not enough to clear it.
		intervals(1, 0);
		expect(told).toHaveLength(1);
		// A long flat stretch clears it, once.
		intervals(20, 0);
		expect(told.map((t) => t.unplaced.verdict)).toEqual(['leak', 'ok']);
		expect(told[1].previous).toBe('leak');
	});
});
