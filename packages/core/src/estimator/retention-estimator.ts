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

/** The least share of what a route's requests leave past a minor GC that must outlive the major one to count. */
const KEPT_SHARE = 0.25;

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
		const survivors = expectedSurvivors(chosen);
		const buffers = solveNnls(
			survivors.map((expected) => row(columns, expected)),
			chosen.map((interval) => interval.externalDeltaBytes)
		);
		const survivorsPerRequest = survivors.perRequest.get(route) ?? 0;
		// A good part of what outlived the minor GC must outlive the major one too: a large transient Buffer
		// that happened to be promoted to the old generation survives the former but not the latter. A
		// quarter, not a half: a cache of what a stream read keeps its copy (64 KB) and lets the stream's
		// chunks (as much again) go only at the major GC (~130 KB past the minor GC, measured in the lab).
		const keptBuffers = survivorsPerRequest > 0 && buffers.coefficients[index] >= KEPT_SHARE;
		const externalBytesPerRequest = keptBuffers ? cappedWhenTogether(chosen, survivors, route, requests, buffers.coefficients[index] * survivorsPerRequest) : 0;
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

/** Per interval, the Buffer bytes each route's requests left past a minor GC; `perRequest`: per route, per request. */
type ExpectedSurvivors = Map<string, number>[] & { perRequest: Map<string, number> };

/**
 * What each route's requests in each interval left past a minor GC: its requests times what one of
 * them leaves, from those measured (only a request that ran alone is: a crawl that leaves streams
 * open overlaps some, and ~a third of them went unmeasured in the lab). The measured bytes alone made
 * a route's partners look as if they left less than they do, and the growth they could not explain
 * went to it (the clean `/lab/stream-buffer-read` at 38 KB per request in a crawl of the lab).
 */
function expectedSurvivors(chosen: Interval[]): ExpectedSurvivors {
	const bytes = new Map<string, number>();
	const measured = new Map<string, number>();
	for (const interval of chosen) {
		for (const [key, value] of interval.bufferSurvivors) bytes.set(key, (bytes.get(key) ?? 0) + value);
		for (const [key, value] of interval.bufferMeasured) measured.set(key, (measured.get(key) ?? 0) + value);
	}
	const perRequest = new Map<string, number>();
	for (const [key, value] of bytes) if (value > 0 && measured.get(key)) perRequest.set(key, value / measured.get(key)!);
	const expected = chosen.map((interval) => {
		const row = new Map<string, number>();
		for (const [key, count] of interval.counts) if (perRequest.has(key)) row.set(key, count * perRequest.get(key)!);
		return row;
	});
	return Object.assign(expected, { perRequest });
}

/** The regression's Buffers per request of a route, capped by unexplainedByOthers when it cannot be told from its partners. */
function cappedWhenTogether(chosen: Interval[], survivors: ExpectedSurvivors, route: string, requests: number, regressed: number): number {
	return togetherWithOthers(chosen, survivors, route) ? Math.min(regressed, unexplainedByOthers(chosen, survivors, route) / requests) : regressed;
}

/** How much of a route's request counts its partners' counts explain (uncentered R²) before they count as always together. */
const TOGETHER = 0.95;

/**
 * Whether the route's requests came in the same intervals as those of the other routes that leave
 * Buffers past a minor GC, in the same proportions (a crawl of every route per round): its request
 * counts are then (nearly) a combination of theirs, and the regression cannot say whose Buffers stayed.
 */
function togetherWithOthers(chosen: Interval[], survivors: ExpectedSurvivors, route: string): boolean {
	const columns = [...survivors.perRequest.keys()].filter((key) => key !== route);
	if (columns.length === 0) return false;
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
function unexplainedByOthers(chosen: Interval[], survivors: ExpectedSurvivors, route: string): number {
	let unexplained = 0;
	chosen.forEach((interval, k) => {
		if (!interval.counts.get(route)) return;
		let others = 0;
		for (const [key, bytes] of survivors[k]) if (key !== route) others += bytes;
		unexplained += interval.externalDeltaBytes - others;
	});
	// Summed before it is clamped: clamped per interval, every interval's noise above its partners'
	// survivors added up and none below took it away (the cap read 30-40 KB per request in a lockstep crawl).
	return Math.max(0, unexplained);
}
