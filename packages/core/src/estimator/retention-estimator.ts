import { RingBuffer } from '../ring-buffer.ts';
import type { Interval } from './interval.ts';
import { solveNnls } from './nnls.ts';

export interface RetentionEstimate {
	/** Post-GC bytes (heap + external) kept per request of the route. */
	bytesPerRequest: number;
	/** One standard error of bytesPerRequest; Infinity while routes cannot be told apart. */
	standardError: number;
	/** External (Buffer) bytes kept per request: the part of bytesPerRequest outside the V8 heap. */
	externalBytesPerRequest: number;
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
 * Estimates per-route retention by regressing each interval's heap change on the routes' request
 * counts in it (non-negative least squares). Each route is estimated over its own recent window, so a
 * cache that filled up and went flat stops counting after `window` requests, while the other routes
 * in those intervals are solved for at the same time and take their own share.
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
			if (interval.warm) continue;
			const count = interval.counts.get(route) ?? 0;
			chosen.push(interval);
			requests += count;
			for (const key of interval.counts.keys()) if (!columns.has(key)) columns.set(key, columns.size);
			const enoughRows = chosen.length >= Math.max(this.#options.minIntervals, columns.size + 2);
			if (requests >= this.#options.window && enoughRows) break;
		}
		if (requests === 0 || !columns.has(route)) return undefined;

		const rows = chosen.map((interval) => {
			const row = new Float64Array(columns.size);
			for (const [key, count] of interval.counts) row[columns.get(key)!] = count;
			return row;
		});
		const index = columns.get(route)!;
		const total = solveNnls(rows, chosen.map((interval) => interval.deltaBytes));
		const external = solveNnls(rows, chosen.map((interval) => interval.externalDeltaBytes));
		return {
			bytesPerRequest: total.coefficients[index],
			standardError: total.standardErrors[index],
			externalBytesPerRequest: external.coefficients[index],
			requests,
			intervals: chosen.length
		};
	}
}
