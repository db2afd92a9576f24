import { describe, expect, it } from 'vitest';
import { solveNnls } from '../src/estimator/nnls.ts';

describe('solveNnls', () => {
	it('recovers exact non-negative coefficients', () => {
		const rows = [
			[1, 0],
			[0, 1],
			[1, 1],
			[2, 1]
		];
		const y = rows.map(([a, b]) => 3 * a + 5 * b);
		const { coefficients } = solveNnls(rows, y);
		expect(coefficients[0]).toBeCloseTo(3, 3);
		expect(coefficients[1]).toBeCloseTo(5, 3);
	});

	it('holds a coefficient at zero instead of going negative', () => {
		const rows = [
			[1, 1],
			[1, 2],
			[1, 3],
			[1, 4]
		];
		const y = [4, 3, 2, 1];
		const { coefficients } = solveNnls(rows, y);
		expect(coefficients[1]).toBe(0);
		expect(coefficients[0]).toBeCloseTo(2.5, 3);
	});

	it('reports an infinite standard error without residual degrees of freedom', () => {
		const { standardErrors } = solveNnls(
			[
				[1, 0],
				[0, 1]
			],
			[1, 2]
		);
		expect(standardErrors[0]).toBe(Infinity);
	});
});
