/**
 * One-sided 99% quantiles of Student's t distribution, by degrees of freedom. An estimate resting on
 * a handful of GC intervals has few degrees of freedom, and its standard error is itself a rough
 * estimate: two standard errors (the normal 97.7%) would flag clean routes. Between rows the smaller
 * df's quantile is used, which errs toward no alert.
 */
const T99: Array<[df: number, quantile: number]> = [
	[1, 31.821],
	[2, 6.965],
	[3, 4.541],
	[4, 3.747],
	[5, 3.365],
	[6, 3.143],
	[7, 2.998],
	[8, 2.896],
	[9, 2.821],
	[10, 2.764],
	[12, 2.681],
	[15, 2.602],
	[20, 2.528],
	[30, 2.457],
	[60, 2.39],
	[120, 2.358]
];

export function t99(degreesOfFreedom: number): number {
	let quantile = Infinity;
	for (const [df, value] of T99) if (degreesOfFreedom >= df) quantile = value;
	return quantile;
}

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
