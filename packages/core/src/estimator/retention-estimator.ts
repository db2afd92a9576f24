import { RingBuffer } from '../ring-buffer.ts';
import type { Interval } from './interval.ts';
import { solveNnls } from './nnls.ts';

export interface RetentionEstimate {
	/** Heap kept per request that allocation sampling could not place, by regression on request counts. */
	heapBytesPerRequest: number;
	heapStandardError: number;
	/** External memory (Buffers) kept per request. */
	externalBytesPerRequest: number;
	externalStandardError: number;
	/** The route's requests the estimate rests on. */
	requests: number;
	intervals: number;
}

export interface EstimatorOptions {
	/** The estimate covers at least this many of the route's most recent requests. */
	window: number;
	/** Never fewer intervals than this, so that one noisy interval cannot decide. */
	minIntervals: number;
	/** Intervals kept in memory, for all routes together. */
	capacity: number;
}

/**
 * Estimates what allocation sampling cannot see, per route, from the intervals between post-GC
 * samples (non-negative least squares, each route over its own recent window):
 * - unattributed heap growth, regressed on the routes' request counts;
 * - external growth, regressed on the Buffer bytes each route's requests kept past a minor GC. A
 *   Buffer cache that only replaces entries keeps bytes past the minor GC but not past the major
 *   one, and gets a coefficient near zero.
 */
export class RetentionEstimator {
	#intervals: RingBuffer<Interval>;
	#options: EstimatorOptions;

	constructor(options: EstimatorOptions) {
		this.#options = options;
		this.#intervals = new RingBuffer(options.capacity);
	}

	add(interval: Interval): void {
		this.#intervals.push(interval);
	}

	clear(): void {
		this.#intervals.clear();
	}

	estimate(route: string, epoch: number): RetentionEstimate | undefined {
		const chosen: Interval[] = [];
		let requests = 0;
		const columns = new Map<string, number>();
		for (const interval of this.#intervals.newestFirst()) {
			if (interval.epoch !== epoch) break;
			if (interval.warm || interval.busy) continue;
			chosen.push(interval);
			requests += interval.counts.get(route) ?? 0;
			for (const key of interval.counts.keys()) if (!columns.has(key)) columns.set(key, columns.size);
			const enoughRows = chosen.length >= Math.max(this.#options.minIntervals, columns.size + 2);
			if (requests >= this.#options.window && enoughRows) break;
		}
		if (requests === 0 || !columns.has(route)) return undefined;
		const index = columns.get(route)!;

		// More unknowns than intervals: the count regression cannot tell routes apart yet, so it adds
		// nothing rather than noise.
		const heapDetermined = chosen.length >= columns.size + 2;
		const heap = solveNnls(
			chosen.map((interval) => row(columns, interval.counts)),
			chosen.map((interval) => interval.unattributedHeapBytes)
		);
		const buffers = solveNnls(
			chosen.map((interval) => row(columns, interval.bufferSurvivors)),
			chosen.map((interval) => interval.externalDeltaBytes)
		);
		let survivors = 0;
		for (const interval of chosen) survivors += interval.bufferSurvivors.get(route) ?? 0;
		const survivorsPerRequest = survivors / requests;
		// Most of what outlived the minor GC must outlive the major one too: a large transient Buffer that
		// happened to be promoted to the old generation survives the former but not the latter.
		const keptBuffers = survivors > 0 && buffers.coefficients[index] >= 0.5;
		return {
			heapBytesPerRequest: heapDetermined ? heap.coefficients[index] : 0,
			heapStandardError: heapDetermined ? heap.standardErrors[index] : 0,
			externalBytesPerRequest: keptBuffers ? buffers.coefficients[index] * survivorsPerRequest : 0,
			externalStandardError: keptBuffers ? buffers.standardErrors[index] * survivorsPerRequest : 0,
			requests,
			intervals: chosen.length
		};
	}
}

function row(columns: Map<string, number>, values: Map<string, number>): Float64Array {
	const result = new Float64Array(columns.size);
	for (const [key, value] of values) {
		const column = columns.get(key);
		if (column !== undefined) result[column] = value;
	}
	return result;
}
