/**
 * `vite-plugin-heapwatch/testing`: unit-level leak checks of a single load, action or handler in
 * vitest (or any runner), without a dev server.
 *
 * ```ts
 * import { expect, test } from 'vitest';
 * import { measureLeak, toLeak, type LeakMatchers } from 'vite-plugin-heapwatch/testing';
 * import { load } from './+page.server.ts';
 *
 * declare module 'vitest' {
 *   interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown> extends LeakMatchers {}
 * }
 * expect.extend({ toLeak });
 *
 * test('the product page keeps nothing per request', async () => {
 *   // `run` varies the parameter, as real traffic does: parameterised caches only grow then.
 *   await expect((run: number) => load({ params: { id: `p${run}` } } as never)).not.toLeak({ runs: 50 });
 *   const { bytesPerRun } = await measureLeak((run) => load({ params: { id: `p${run}` } } as never));
 *   expect(bytesPerRun).toBeLessThan(1024);
 * });
 * ```
 */
export { measureLeak, type LeakMeasurement, type Measured, type MeasureOptions } from './measure-leak.ts';
export { toLeak, type LeakMatchers, type ToLeakOptions } from './to-leak.ts';
