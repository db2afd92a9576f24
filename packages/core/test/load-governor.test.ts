import { describe, expect, it } from 'vitest';
import { LoadGovernor } from '../src/heap/load-governor.ts';

/** Samples 1.5 s apart at `rate` route requests per second, for `seconds`; whether any switched. */
function traffic(governor: LoadGovernor, rate: number, seconds: number): boolean {
	let switched = false;
	for (let ms = 0; ms < seconds * 1000; ms += 1500) switched = governor.observe(rate * 1.5, 1500) || switched;
	return switched;
}

describe('LoadGovernor', () => {
	it('keeps fine sampling through a burst and while a person browses', () => {
		const governor = new LoadGovernor(16384);
		traffic(governor, 300, 4.5); // bench:detect's continuous profile lasts 4-5 s
		expect(traffic(governor, 2, 30)).toBe(false); // not even for a moment
		expect([governor.coarse, governor.interval]).toEqual([false, 16384]);
	});

	it('goes coarse when load-test traffic averages over six seconds, lulls included', () => {
		const governor = new LoadGovernor(16384);
		// bench:overhead's rounds: ~3 s of load, then ~3 s of nothing, and a sample with few requests after each.
		let switched = false;
		for (let round = 0; round < 4 && !switched; round++) {
			switched = traffic(governor, 600, 3) || governor.observe(5, 1000) || governor.observe(0, 3000);
		}
		expect(governor.coarse).toBe(true);
	});

	it('goes coarse after six seconds of load-test traffic, and back after three calm samples', () => {
		const governor = new LoadGovernor(16384);
		expect(traffic(governor, 300, 6)).toBe(true);
		expect([governor.coarse, governor.interval, governor.trendWindow(20)]).toEqual([true, 64 * 16384, 64 * 20]);
		expect(traffic(governor, 5, 3)).toBe(false); // two calm samples
		expect(traffic(governor, 300, 1.5)).toBe(false); // load again: the calm streak starts over
		expect(traffic(governor, 5, 3)).toBe(false);
		expect(traffic(governor, 5, 1.5)).toBe(true);
		expect([governor.coarse, governor.interval]).toEqual([false, 16384]);
	});
});
