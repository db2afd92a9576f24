export { readHeapSnapshot, parseHeapSnapshot, type HeapSnapshot } from './heap-snapshot.ts';
export { analyseGrowth, type GrowthAnalysis } from './analyse-growth.ts';
export { captureHeapSnapshot, snapshotCost, type CapturedSnapshot, type SnapshotCost } from './capture.ts';
export { loadedScriptUrls } from './script-urls.ts';
export { declarationLine } from './declaration-line.ts';
export type { RetainerStep, NamingOptions } from './retainer-path.ts';
export { startRetainerCapture, type RetainerCapture, type RetainerCaptureStatus, type RetainerCaptureOptions, type CaptureState } from './retainer-capture.ts';
