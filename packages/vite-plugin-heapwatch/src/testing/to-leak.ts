import { formatBytes } from '@heapwatch/core';
import { measureLeak, type Measured, type MeasureOptions } from './measure-leak.ts';

export interface ToLeakOptions extends MeasureOptions {
	/**
	 * Bytes per call above which the function counts as leaking.
	 * @default 1024
	 */
	threshold?: number;
}

/**
 * The matcher's types. Add them to vitest's once, in a .d.ts or the test file (vitest 4/5 wording):
 * `declare module 'vitest' { interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown> extends LeakMatchers {} }`
 */
export interface LeakMatchers {
	/** Passes when `fn` keeps more than `threshold` bytes per call. Use `await expect(fn).not.toLeak()`. */
	toLeak(options?: ToLeakOptions): Promise<void>;
}

interface MatcherContext {
	isNot: boolean;
}

/** For `expect.extend({ toLeak })`: `await expect((run) => load(run)).not.toLeak({ runs: 50 })`. */
export async function toLeak(this: MatcherContext, received: unknown, options: ToLeakOptions = {}) {
	if (typeof received !== 'function') {
		throw new TypeError(`[heapwatch] expect(fn).toLeak() needs a function, got ${received === null ? 'null' : typeof received}`);
	}
	const threshold = options.threshold ?? 1024;
	const measured = await measureLeak(received as Measured, options);
	const pass = measured.bytesPerRun > threshold;
	const kept = `it kept ~${formatBytes(measured.bytesPerRun)} per call over ${measured.runs} calls, after GC (heap ${formatBytes(measured.heapBytesPerRun)}, outside the heap ${formatBytes(measured.externalBytesPerRun)})`;
	return {
		pass,
		message: () =>
			pass
				? `expected the function not to leak, but ${kept}; the threshold is ${formatBytes(threshold)}. Look for a module-level cache, array, Map or listener it adds to.`
				: `expected the function to leak more than ${formatBytes(threshold)} per call, but ${kept}`,
		actual: measured.bytesPerRun,
		expected: threshold
	};
}
