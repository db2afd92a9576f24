import { studentT } from '@heapwatch/core';

/**
 * The gate's decision for one target, from heapwatch's trend of the route's sampled live bytes. Pure:
 * the sequential loop (run-check.ts) feeds it, the unit tests too.
 *
 * The rule (README, "In CI"): the estimate `m` is heapwatch's trend of the route's sampled live bytes
 * against its request count over the recent half of the requests measured (trend.ts), and `se` its
 * standard error: the points' scatter around the line, never below the sampling noise of the kept bytes
 * that came and went (samples that lasted two reads). A slope's error shrinks with the span of requests it covers (as span^-1.5 while the
 * scatter rules), so one long trend pins a route down far sooner than short batches pooled (as
 * batches^-0.5): a clean route whose last requests' objects are still alive at some samples (±50 KB
 * between points) stayed undecided after 300 requests pooled in batches of 20, and is clean at 40-60
 * this way. With threshold `T`, once the trend has MIN_POINTS points:
 * - `leak`  when m - k·se > T (the lower bound is above the threshold; k is Student's t for the
 *   points' degrees of freedom, at least z), or at once when heapwatch
 *   counts what leaks (handles left alive, a module-scope collection that grows without bound);
 * - `clean` when m + k·se < T (the upper bound is below it), after at least `minRuns` requests;
 * - `undecided` otherwise, final once `maxRuns` requests were sent.
 */
export type Decision = 'leak' | 'clean' | 'undecided';

export interface GateRule {
	/** Bytes per request: the plugin's `leakThreshold`. */
	threshold: number;
	/** Standard errors between the estimate and the threshold (one-sided 2.3% per look at 2). */
	z: number;
	minRuns: number;
	maxRuns: number;
}

export const Z = 2;

/** Points a trend needs before it decides: with fewer, its scatter says little about its error. */
export const MIN_POINTS = 4;

/** A route's trend: bytes kept per request, that estimate's standard error, and the points it rests on. */
export interface GateEstimate {
	bytesPerRequest: number;
	standardError: number;
	points: number;
}

export interface DecisionInput {
	estimate: GateEstimate | undefined;
	/** Measured requests sent so far. */
	runs: number;
	/** heapwatch's own verdicts flag this target (memory, handles, an unbounded collection). */
	flagged: boolean;
}

/**
 * How many standard errors a bound lies from the estimate, for a trend of `points` points: Student's t
 * (97.5% one-sided) for its points - 2 degrees of freedom, never below `z`. A trend of a few points
 * knows its own scatter poorly (a clean route read 5.6 ± 1.6 KB on 7 points in a CI run).
 */
export const boundFactor = (rule: GateRule, points: number): number => Math.max(rule.z, studentT(points - 2, 0.975));

/** Whether an estimate has enough points to decide on. */
export const decisive = (estimate: GateEstimate | undefined): estimate is GateEstimate => (estimate?.points ?? 0) >= MIN_POINTS;

/** The decision after a batch, and whether the target needs more requests. */
export function decide({ estimate, runs, flagged }: DecisionInput, rule: GateRule): { decision: Decision; final: boolean } {
	if (flagged) return { decision: 'leak', final: true };
	if (decisive(estimate)) {
		const { bytesPerRequest: m, standardError: se } = estimate;
		const k = boundFactor(rule, estimate.points);
		if (m - k * se > rule.threshold) return { decision: 'leak', final: true };
		if (runs >= rule.minRuns && m + k * se < rule.threshold) return { decision: 'clean', final: true };
	}
	return { decision: 'undecided', final: runs >= rule.maxRuns };
}
