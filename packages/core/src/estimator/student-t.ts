/**
 * One-sided quantiles of Student's t distribution, by degrees of freedom, at the two levels heapwatch
 * uses: 97.5% for `heapwatch check`'s bounds, 99% for production alerts. An estimate resting on a few
 * points has few degrees of freedom, and its standard error is itself a rough estimate: two standard
 * errors (the normal 97.7%) would be overconfident. Between rows the smaller df's quantile is used,
 * which errs toward caution; below one degree of freedom there is no bound (Infinity).
 */
const QUANTILES: Record<StudentLevel, Array<[df: number, quantile: number]>> = {
	0.975: [
		[1, 12.71],
		[2, 4.3],
		[3, 3.18],
		[4, 2.78],
		[5, 2.57],
		[6, 2.45],
		[7, 2.36],
		[8, 2.31],
		[9, 2.26],
		[10, 2.23],
		[11, 2.2],
		[12, 2.18],
		[13, 2.16],
		[14, 2.14],
		[15, 2.13],
		[20, 2.086],
		[30, 2.042],
		[60, 2.0],
		[120, 1.98]
	],
	0.99: [
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
	]
};

export type StudentLevel = 0.975 | 0.99;

export function studentT(degreesOfFreedom: number, level: StudentLevel): number {
	let quantile = Infinity;
	for (const [df, value] of QUANTILES[level]) if (degreesOfFreedom >= df) quantile = value;
	return quantile;
}
