/**
 * Non-negative least squares with a tiny ridge, by cyclic coordinate descent on the normal equations:
 * minimise |X b - y|^2 + ridge |b|^2 subject to b >= 0. Memory cannot be "un-retained" by serving a
 * request, hence b >= 0; the ridge keeps nearly collinear columns (routes always requested together)
 * from trading huge opposite coefficients.
 *
 * Sizes here are small (tens of routes, at most a few hundred intervals), so a dense O(p^2) sweep is
 * cheaper than anything clever.
 */
export interface NnlsResult {
	coefficients: Float64Array;
	/** Standard error of each coefficient (Infinity where it cannot be told apart from the others). */
	standardErrors: Float64Array;
	/** Residual degrees of freedom: rows minus active coefficients. */
	degreesOfFreedom: number;
}

export function solveNnls(rows: ArrayLike<number>[], y: ArrayLike<number>, ridge = 1e-6): NnlsResult {
	const m = rows.length;
	const p = m === 0 ? 0 : rows[0].length;
	const gram = new Float64Array(p * p);
	const xty = new Float64Array(p);
	for (let r = 0; r < m; r++) {
		const row = rows[r];
		for (let i = 0; i < p; i++) {
			const xi = row[i];
			if (xi === 0) continue;
			xty[i] += xi * y[r];
			for (let j = 0; j < p; j++) gram[i * p + j] += xi * row[j];
		}
	}
	let trace = 0;
	for (let i = 0; i < p; i++) trace += gram[i * p + i];
	const lambda = ridge * (trace / Math.max(p, 1) || 1);
	for (let i = 0; i < p; i++) gram[i * p + i] += lambda;

	const b = new Float64Array(p);
	for (let sweep = 0; sweep < 500; sweep++) {
		let biggestStep = 0;
		for (let i = 0; i < p; i++) {
			let sum = xty[i];
			for (let j = 0; j < p; j++) if (j !== i) sum -= gram[i * p + j] * b[j];
			const next = Math.max(0, sum / gram[i * p + i]);
			biggestStep = Math.max(biggestStep, Math.abs(next - b[i]));
			b[i] = next;
		}
		if (biggestStep < 1e-6) break;
	}

	const active: number[] = [];
	for (let i = 0; i < p; i++) if (b[i] > 0) active.push(i);
	// The errors come from every column with data, not only the ones left positive: a column held at
	// zero that moves with an active one (two routes always requested in the same intervals) means the
	// data cannot tell them apart, and the active one's error must say so. Counted over the active
	// ones alone, it read as pinned down (unit test: 0.50 ± 0.006; counted over both, ± 1.06).
	const measured: number[] = [];
	for (let i = 0; i < p; i++) if (gram[i * p + i] > lambda) measured.push(i);
	const degreesOfFreedom = m - active.length;
	const standardErrors = new Float64Array(p).fill(Infinity);
	if (degreesOfFreedom > 0 && active.length > 0) {
		let rss = 0;
		for (let r = 0; r < m; r++) {
			let fit = 0;
			for (let i = 0; i < p; i++) fit += rows[r][i] * b[i];
			rss += (y[r] - fit) ** 2;
		}
		const variance = rss / degreesOfFreedom;
		const inverse = invert(measured.map((i) => measured.map((j) => gram[i * p + j])));
		if (inverse) {
			measured.forEach((i, k) => {
				if (b[i] > 0) standardErrors[i] = Math.sqrt(Math.max(0, variance * inverse[k][k]));
			});
		}
	}
	return { coefficients: b, standardErrors, degreesOfFreedom };
}

/** Gauss-Jordan inverse of a small symmetric positive matrix; undefined when singular. */
function invert(matrix: number[][]): number[][] | undefined {
	const n = matrix.length;
	const a = matrix.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
	for (let col = 0; col < n; col++) {
		let pivot = col;
		for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
		if (Math.abs(a[pivot][col]) < 1e-12) return undefined;
		[a[col], a[pivot]] = [a[pivot], a[col]];
		const scale = a[col][col];
		for (let j = 0; j < 2 * n; j++) a[col][j] /= scale;
		for (let r = 0; r < n; r++) {
			if (r === col) continue;
			const factor = a[r][col];
			if (factor !== 0) for (let j = 0; j < 2 * n; j++) a[r][j] -= factor * a[col][j];
		}
	}
	return a.map((row) => row.slice(n));
}
