import { describe, expect, it } from 'vitest';
import { LoadGovernor } from '../src/heap/load-governor.ts';

/** Samples 1.5 s apart at `rate` route requests per second, for `seconds`; whether the last one switched. */
function traffic(governor: LoadGovernor, rate: number, seconds: number): boolean {
	let switched = false;
	for (let ms = 0; ms < seconds * 1000; ms += 1500) switched = governor.observe(rate * 1.5, 1500);
	return switched;
}

describe('LoadGovernor', () => {
	it('keeps fine sampling through a burst and while a person browses', () => {
		const governor = new LoadGovernor(16384);
		traffic(governor, 300, 6); // bench:detect's continuous profile lasts ~5 s
		traffic(governor, 5, 3);
		traffic(governor, 300, 6);
		expect(governor).toMatchObject({ coarse: false, interval: 16384 });
	});

	it('goes coarse after ten seconds of load-test traffic, and back after three calm samples', () => {
		const governor = new LoadGovernor(16384);
		expect(traffic(governor, 300, 10.5)).toBe(true);
		expect(governor).toMatchObject({ coarse: true, interval: 64 * 16384 });
		expect(traffic(governor, 5, 3)).toBe(false); // two calm samples
		expect(traffic(governor, 300, 1.5)).toBe(false); // load again: the calm streak starts over
		expect(traffic(governor, 5, 3)).toBe(false);
		expect(traffic(governor, 5, 1.5)).toBe(true);
		expect(governor).toMatchObject({ coarse: false, interval: 16384 });
	});
});
