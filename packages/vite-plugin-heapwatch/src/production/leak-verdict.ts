import { studentT } from '@heapwatch/core';

/** The one-sided 99% quantile of Student's t: an alert wakes people up. */
export const t99 = (degreesOfFreedom: number): number => studentT(degreesOfFreedom, 0.99);

export interface LeakEvidence {
	bytesPerRequest: number;
	standardError: number;
	/** GC intervals under the estimate less the routes estimated from them. */
	degreesOfFreedom: number;
}

/**
 * Whether a route leaks, from its latest estimate. An alert wakes people up, so a route is flagged only
 * when the lower end of the estimate's one-sided 99% interval is above `threshold` (the same kind of
 * rule as `heapwatch check`); once flagged it clears when the estimate falls below half the threshold,
 * so that a route near the line does not flap.
 */
export function leaks(previous: boolean, evidence: LeakEvidence, threshold: number): boolean {
	const { bytesPerRequest, standardError, degreesOfFreedom } = evidence;
	if (previous) return bytesPerRequest >= threshold / 2;
	return bytesPerRequest - t99(degreesOfFreedom) * standardError > threshold;
}
