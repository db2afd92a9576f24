/**
 * `vite-plugin-heapwatch/testing`: unit-level leak checks of a single load, action or handler in
 * vitest (or any runner), without a dev server.
 */
export { measureLeak, type LeakMeasurement, type Measured, type MeasureOptions } from './measure-leak.ts';
export { toLeak, type LeakMatchers, type ToLeakOptions } from './to-leak.ts';
