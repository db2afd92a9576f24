import { describe, expect, it } from 'vitest';
import { AllocationSampler } from '../src/heap/allocation-sampler.ts';

// The turnover the gate's noise floor counts (LiveBytes.lastingTurnover): what lasted two reads and
// then came or went, as a cache replacing entries does; not an object alive at one read only.

const classify = (url: string) => (url.endsWith('allocation-turnover.test.ts') ? 'here' : undefined);
let held: object[] = [];

/** ~1 MB of small objects from this file, held until `held` is emptied. */
function allocate(): void {
	for (let i = 0; i < 8000; i++) held.push({ i, text: `entry ${i}`, list: [i, i + 1] });
}

describe('turnover that lasted', () => {
	it('leaves out what one read found alive, and counts what lasted, as it came and as it went', () => {
		const sampler = new AllocationSampler(classify, 16 * 1024);
		const read = () => sampler.liveBytesByKey().get('here') ?? { live: 0, turnover: 0, lastingTurnover: 0 };
		try {
			allocate();
			const once = read();
			held = [];
			const gone = read();
			// Seen at one read, then dead: turnover both times, lasting never.
			expect(once.turnover).toBeGreaterThan(500_000);
			expect(gone.turnover).toBeGreaterThan(500_000);
			// (A little may last: what this file allocated besides, such as the array that held them.)
			expect(once.lastingTurnover + gone.lastingTurnover).toBeLessThan(once.turnover / 4);

			allocate();
			read();
			const second = read();
			// At its second read it has lasted: counted once, by its size.
			expect(second.lastingTurnover).toBeGreaterThan(500_000);
			expect(second.lastingTurnover).toBeLessThanOrEqual(second.live);
			held = [];
			const died = read();
			expect(died.lastingTurnover).toBeGreaterThan(500_000);
		} finally {
			sampler.close();
			held = [];
		}
	});
});
