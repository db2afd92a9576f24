import { describe, expect, it } from 'vitest';
import { LoadGovernor } from '../src/heap/load-governor.ts';

describe('LoadGovernor', () => {
	it('goes coarse after one second of load-test traffic, not after a short burst', () => {
		const governor = new LoadGovernor(16384);
		expect(governor.observe(60, 400)).toBe(false); // 150/s, but for 0.4 s: a page and its data
		expect(governor.observe(40, 1500)).toBe(false); // a person browsing
		expect(governor.interval).toBe(16384);
		expect(governor.observe(900, 1500)).toBe(true);
		expect(governor).toMatchObject({ coarse: true, interval: 8 * 16384 });
	});

	it('goes back to fine sampling after three calm samples in a row', () => {
		const governor = new LoadGovernor(16384);
		governor.observe(900, 1500);
		expect(governor.observe(2, 1000)).toBe(false);
		expect(governor.observe(2, 1000)).toBe(false);
		expect(governor.observe(500, 1000)).toBe(false); // load again: the streak starts over
		expect(governor.observe(2, 1000)).toBe(false);
		expect(governor.observe(2, 1000)).toBe(false);
		expect(governor.observe(2, 1000)).toBe(true);
		expect(governor).toMatchObject({ coarse: false, interval: 16384 });
	});
});
