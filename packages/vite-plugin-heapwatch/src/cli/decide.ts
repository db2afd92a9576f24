/**
 * The gate's decision for one target, from the estimates heapwatch made over successive batches of
 * its requests. Pure: the sequential loop (run-check.ts) feeds it, the unit tests too.
 *
 * The rule (README, "In CI"): each batch is one estimate window of requests, so batch estimates rest
 * on different requests. Their mean `m` has a standard error `se`, the larger of what the estimator
 * reports (combined over the batches) and the scatter between batches (from two batches on), so a
 * batch estimator that is surer than it should be cannot make the gate sure. With threshold `T`:
 * - `leak`  when m - z·se > T (the lower bound is above the threshold), or when heapwatch's own
 *   verdicts already say so (the route's, its handles', an unbounded collection's);
 * - `clean` when m + z·se < T (the upper bound is below it), after at least `minRuns` requests;
 * - `undecided` otherwise, final once `maxRuns` requests were sent.
 */
export type Decision = 'leak' | 'clean' | 'undecided';

export interface GateRule {
	/** Bytes per request: the plugin's `leakThreshold`. */
	threshold: number;
	/** Standard errors between the estimate and the threshold (one-sided 0.6% per look at 2.5). */
	z: number;
	minRuns: number;
	maxRuns: number;
}

export const Z = 2.5;

/** One batch's reading of a route: bytes kept per request, and that estimate's standard error. */
export interface BatchEstimate {
	bytesPerRequest: number;
	standardError: number;
}

export interface Pooled {
	bytesPerRequest: number;
	standardError: number;
	batches: number;
}

export function pool(batches: BatchEstimate[]): Pooled | undefined {
	const k = batches.length;
	if (k === 0) return undefined;
	const mean = batches.reduce((sum, b) => sum + b.bytesPerRequest, 0) / k;
	const reported = Math.sqrt(batches.reduce((sum, b) => sum + b.standardError ** 2, 0)) / k;
	const scatter = k > 1 ? Math.sqrt(batches.reduce((sum, b) => sum + (b.bytesPerRequest - mean) ** 2, 0) / (k - 1) / k) : 0;
	return { bytesPerRequest: mean, standardError: Math.max(reported, scatter), batches: k };
}

export interface DecisionInput {
	pooled: Pooled | undefined;
	/** Measured requests sent so far. */
	runs: number;
	/** heapwatch's own verdicts flag this target (memory, handles, an unbounded collection). */
	flagged: boolean;
}

/** The decision after a batch, and whether the target needs more requests. */
export function decide({ pooled, runs, flagged }: DecisionInput, rule: GateRule): { decision: Decision; final: boolean } {
	if (flagged) return { decision: 'leak', final: true };
	if (pooled) {
		const { bytesPerRequest: m, standardError: se } = pooled;
		if (m - rule.z * se > rule.threshold) return { decision: 'leak', final: true };
		if (runs >= rule.minRuns && m + rule.z * se < rule.threshold) return { decision: 'clean', final: true };
	}
	return { decision: 'undecided', final: runs >= rule.maxRuns };
}
