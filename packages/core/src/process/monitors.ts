import type { ProcessReport } from '../protocol/report.ts';
import { allocationSamplingRunning } from './sampling-profiler.ts';

/** Monitors alive in this process: one per dev server, two for a moment while Vite restarts. */
const live = new Set<object>();
let started = 0;

export function monitorStarted(monitor: object): void {
	if (live.has(monitor)) return;
	live.add(monitor);
	started++;
}

export function monitorClosed(monitor: object): void {
	live.delete(monitor);
}

/** What report.json says of the process-wide things that outlive one dev server. */
export function processReport(): ProcessReport {
	return { monitors: live.size, allocationSampling: allocationSamplingRunning(), restarts: Math.max(0, started - 1) };
}
