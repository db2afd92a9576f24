/**
 * The gate's decision for one target, from the estimates heapwatch made over successive batches of
 * its requests. Pure: the sequential loop (run-check.ts) feeds it, the unit tests too.
 *
 * The rule (README, "In CI"): each batch is one estimate window of requests, so batch estimates rest
 * on different requests. They are pooled by inverse-variance weighting (a batch whose estimate
 * heapwatch could not pin down weighs nothing), and the pooled standard error `se` is scaled up by
 * the scatter between batches when they disagree more than their own errors say (the Birge ratio):
 * an estimator surer than it should be cannot make the gate sure. With threshold `T`, from two
 * batches on (one batch's error cannot be checked against another):
 * - `leak`  when m - z·se > T (the lower bound is above the threshold), or at once when heapwatch
 *   counts what leaks (handles left alive, a module-scope collection that grows without bound);
 * - `clean` when m + z·se < T (the upper bound is below it), after at least `minRuns` requests;
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
	const usable = batches.filter((b) => b.standardError > 0 && Number.isFinite(b.standardError));
	const k = usable.length;
	if (k === 0) return undefined;
	const weights = usable.map((b) => 1 / b.standardError ** 2);
	const total = weights.reduce((sum, w) => sum + w, 0);
	const mean = usable.reduce((sum, b, i) => sum + weights[i] * b.bytesPerRequest, 0) / total;
	const chiSquare = usable.reduce((sum, b, i) => sum + weights[i] * (b.bytesPerRequest - mean) ** 2, 0);
	const birge = k > 1 ? Math.max(1, Math.sqrt(chiSquare / (k - 1))) : 1;
	return { bytesPerRequest: mean, standardError: birge / Math.sqrt(total), batches: k };
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
	if (pooled && pooled.batches >= 2) {
		const { bytesPerRequest: m, standardError: se } = pooled;
		if (m - rule.z * se > rule.threshold) return { decision: 'leak', final: true };
		if (runs >= rule.minRuns && m + rule.z * se < rule.threshold) return { decision: 'clean', final: true };
	}
	return { decision: 'undecided', final: runs >= rule.maxRuns };
}
