import { describe, expect, it } from 'vitest';
import { solveNnls } from '../src/estimator/nnls.ts';

/** Design-matrix rows from its columns, one column per coefficient: short enough to read at a glance. */
const rowsOf = (...columns: number[][]) => columns[0].map((_, row) => columns.map((column) => column[row]));

describe('solveNnls', () => {
	it('recovers exact non-negative coefficients', () => {
		const rows = rowsOf([1, 0, 1, 2], [0, 1, 1, 1]);
		const y = rows.map(([a, b]) => 3 * a + 5 * b);
		const { coefficients } = solveNnls(rows, y);
		expect(coefficients[0]).toBeCloseTo(3, 3);
		expect(coefficients[1]).toBeCloseTo(5, 3);
	});

	it('holds a coefficient at zero instead of going negative', () => {
		const rows = rowsOf([1, 1, 1, 1], [1, 2, 3, 4]);
		const y = [4, 3, 2, 1];
		const { coefficients } = solveNnls(rows, y);
		expect(coefficients[1]).toBe(0);
		expect(coefficients[0]).toBeCloseTo(2.5, 3);
	});

	it('reports an infinite standard error without residual degrees of freedom', () => {
		const { standardErrors } = solveNnls(rowsOf([1, 0], [0, 1]), [1, 2]);
		expect(standardErrors[0]).toBe(Infinity);
	});
});

describe('solveNnls, two columns the data cannot tell apart', () => {
	it('gives the one left positive an error that says so, though its partner is held at zero', () => {
		// Two routes whose Buffers past a minor GC come in nearly the same ratio every interval; the
		// little that sets them apart points the second one below zero, where it is held.
		const rows = Array.from({ length: 12 }, (_, i) => [100 + 10 * i, 50 + 5 * i + ((i % 3) - 1) * 0.5]);
		const y = rows.map(([a, b], i) => 0.5 * a - (b - a / 2) + (i % 2 ? 3 : -3));
		const { coefficients, standardErrors } = solveNnls(rows, y);
		expect(coefficients[1]).toBe(0);
		// The data says nothing about how the 0.5 splits between the two: two errors reach past zero.
		expect(coefficients[0] - 2 * standardErrors[0]).toBeLessThan(0);
	});

	it('still pins down columns that vary apart', () => {
		const rows = Array.from({ length: 12 }, (_, i) => [i % 2 ? 131 : 0, i % 3 ? 69 : 0]);
		const y = rows.map(([a], i) => 0.5 * a + (i % 2) * 0.1);
		const { coefficients, standardErrors } = solveNnls(rows, y);
		expect(coefficients[0]).toBeCloseTo(0.5, 2);
		expect(standardErrors[0]).toBeLessThan(0.01);
	});
});
