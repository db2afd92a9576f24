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
		const externalBytesPerRequest = keptBuffers ? cappedWhenTogether(chosen, route, requests, buffers.coefficients[index] * survivorsPerRequest) : 0;
		return {
			heapBytesPerRequest: heapDetermined ? heap.coefficients[index] : 0,
			heapStandardError: heapDetermined ? heap.standardErrors[index] : 0,
			externalBytesPerRequest,
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

/** The regression's Buffers per request of a route, capped by unexplainedByOthers when it cannot be told from its partners. */
function cappedWhenTogether(chosen: Interval[], route: string, requests: number, regressed: number): number {
	return togetherWithOthers(chosen, route) ? Math.min(regressed, unexplainedByOthers(chosen, route) / requests) : regressed;
}

/** How much of a route's request counts its partners' counts explain (uncentered R²) before they count as always together. */
const TOGETHER = 0.95;

/**
 * Whether the route's requests came in the same intervals as those of the other routes that leave
 * Buffers past a minor GC, in the same proportions (a crawl of every route per round): its request
 * counts are then (nearly) a combination of theirs, and the regression cannot say whose Buffers stayed.
 */
function togetherWithOthers(chosen: Interval[], route: string): boolean {
	const partners = new Set<string>();
	for (const interval of chosen) for (const [key, bytes] of interval.bufferSurvivors) if (key !== route && bytes > 0) partners.add(key);
	if (partners.size === 0) return false;
	const columns = [...partners];
	const rows = chosen.map((interval) => Float64Array.from(columns, (key) => interval.counts.get(key) ?? 0));
	const own = chosen.map((interval) => interval.counts.get(route) ?? 0);
	const fit = solveNnls(rows, own).coefficients;
	let residual = 0;
	let total = 0;
	rows.forEach((row, k) => {
		const explained = row.reduce((sum, count, j) => sum + fit[j] * count, 0);
		residual += (own[k] - explained) ** 2;
		total += own[k] ** 2;
	});
	return total > 0 && 1 - residual / total > TOGETHER;
}

/**
 * The external growth of the route's intervals that the other routes there could not explain, even if
 * they kept all they left past their minor GCs: what the route itself must keep at the least. It caps
 * the regression's figure when the route's requests always came with theirs. Buffers read through a
 * stream outlive every minor GC until the next major one whether kept or not (64 KB of chunks after 2 and after 5 minor GCs, none after a full one,
 * measured on Node 24.21), so a route that caches what it reads and its twin that drops it leave the
 * same survivors; requested always together (a crawl of every route per round), no regression can tell
 * which one keeps them, and the fit gave the growth to the clean twin (105 ± 48 KB per request in a lab
 * run). With the cap neither is flagged until their requests come apart: "cannot tell", not a guess.
 */
function unexplainedByOthers(chosen: Interval[], route: string): number {
	let unexplained = 0;
	for (const interval of chosen) {
		if (!interval.counts.get(route)) continue;
		let others = 0;
		for (const [key, bytes] of interval.bufferSurvivors) if (key !== route) others += bytes;
		unexplained += Math.max(0, interval.externalDeltaBytes - others);
	}
	return unexplained;
}
