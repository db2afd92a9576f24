import { describe, expect, it } from 'vitest';
import { measureLeak, toLeak, type LeakMatchers } from '../../src/testing/index.ts';

declare module 'vitest' {
	// Vitest's documented way to type a custom matcher: merge into its Matchers interface, whose type
	// parameters must be declared as vitest declares them.
	// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
	interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown> extends LeakMatchers {}
}
expect.extend({ toLeak });

// A module-level cache keyed by a fresh id: ~2000 small objects kept per call.
const cache = new Map<string, object[]>();
const leaky = (run: number) => {
	cache.set(
		`id-${run}-${Math.random()}`,
		Array.from({ length: 2000 }, (_, i) => ({ i }))
	);
};
const clean = (run: number) => Array.from({ length: 2000 }, (_, i) => ({ i, run })).length;
const buffers: Buffer[] = [];
const leakyBuffer = async () => {
	await Promise.resolve();
	buffers.push(Buffer.alloc(64 * 1024));
};

describe('measureLeak', () => {
	it('measures what a leaking function keeps per call', async () => {
		const measured = await measureLeak(leaky, { runs: 30 });
		expect(measured.runs).toBe(30);
		// 2000 objects of one small property: ~32 KB plus the array.
		expect(measured.bytesPerRun).toBeGreaterThan(20 * 1024);
		expect(measured.bytesPerRun).toBeLessThan(200 * 1024);
	});

	it('measures ~0 for a function that allocates as much and keeps nothing', async () => {
		const measured = await measureLeak(clean, { runs: 100 });
		expect(Math.abs(measured.bytesPerRun)).toBeLessThan(1024);
	});

	it('counts Buffers kept outside the heap, and awaits async functions', async () => {
		const measured = await measureLeak(leakyBuffer, { runs: 20 });
		expect(measured.externalBytesPerRun).toBeGreaterThan(60 * 1024);
	});

	it('passes each call its index, so that parameters can vary', async () => {
		const seen: number[] = [];
		await measureLeak((run) => void seen.push(run), { runs: 3, warmup: 1 });
		expect(seen).toEqual([-1, 0, 1, 2]);
	});

	it('rejects a bad run count with a message naming it', async () => {
		await expect(measureLeak(clean, { runs: 0 })).rejects.toThrow('[heapwatch] measureLeak: runs must be a whole number of at least 1, got 0');
	});
});

describe('toLeak', () => {
	it('passes .not for a clean function and fails it, with the size, for a leaking one', async () => {
		await expect(clean).not.toLeak();
		await expect(leaky).toLeak({ runs: 30 });
		await expect(expect(leaky).not.toLeak({ runs: 30 })).rejects.toThrow(
			/^expected the function not to leak, but it kept ~\d+\.\d KB per call over 30 calls, after GC/
		);
	});

	it('says what it needs when given no function', async () => {
		await expect(expect(42).toLeak()).rejects.toThrow('[heapwatch] expect(fn).toLeak() needs a function, got number');
	});
});
