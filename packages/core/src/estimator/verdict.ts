import type { Verdict } from '../protocol/report.ts';

/** What a verdict rests on: an estimate of bytes kept per request, its noise, and its sample size. */
export interface RouteEstimate {
	bytesPerRequest: number;
	standardError: number;
	externalBytesPerRequest: number;
	requests: number;
}

export interface VerdictOptions {
	/** Bytes per request above which a route leaks. */
	leakThreshold: number;
	/** Measured requests (after warm-up) before any verdict. */
	minRequests: number;
}

/**
 * Decides a route's verdict from its latest estimate. A leak needs the estimate above the threshold
 * and clearly away from the noise (two standard errors above half the threshold); once flagged it
 * clears only when the recent window falls below half the threshold, so a route near the line does
 * not flap between warnings.
 */
export function nextVerdict(previous: Verdict, estimate: RouteEstimate | undefined, options: VerdictOptions): Verdict {
	if (!estimate || estimate.requests < options.minRequests) return previous;
	const { bytesPerRequest, standardError } = estimate;
	const half = options.leakThreshold / 2;
	if (previous === 'leak') return bytesPerRequest < half ? 'ok' : 'leak';
	const significant = bytesPerRequest - 2 * standardError >= half;
	return bytesPerRequest >= options.leakThreshold && significant ? 'leak' : 'ok';
}
