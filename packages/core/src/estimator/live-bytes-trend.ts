import { RingBuffer } from '../ring-buffer.ts';

export interface TrendEstimate {
	/** Growth of the route's sampled live bytes per request of the route. */
	bytesPerRequest: number;
	/** Standard error of the slope: scatter around the line, and never below the sampling noise. */
	standardError: number;
	requests: number;
	points: number;
}

interface Point {
	requests: number;
	liveBytes: number;
	/** Sampled bytes that appeared or died so far: the sampling noise of a change grows with it. */
	turnover: number;
	/** The part of it that lasted two reads (see LiveBytes.lastingTurnover in heap/live-bytes-tally.ts). */
	lastingTurnover?: number;
	/** Live sampled bytes by allocation site, when known. */
	sites?: Map<string, number>;
}

export interface SiteGrowth {
	site: string;
	bytesPerRequest: number;
}

/**
 * A route's live sampled bytes (allocations whose stack runs through its own files and are still
 * alive after GC) against its request count. The least-squares slope over the recent window is what
 * each request leaves behind; a cache that stopped growing has a flat line, whatever its size. One
 * transient object that happens to be alive at a sample moves one point, not the slope.
 */
export class LiveBytesTrend {
	#points = new RingBuffer<Point>(128);

	add(point: Point): void {
		this.#points.push(point);
	}

	clear(): void {
		this.#points.clear();
	}

	/** The allocation sites whose live bytes grew most over the window, per request of the route. */
	topSites(window: number, count: number): SiteGrowth[] {
		const points = this.#window(window);
		const newest = points[0];
		const reference = points[points.length - 1];
		const requests = newest ? newest.requests - reference.requests : 0;
		if (!newest?.sites || requests === 0) return [];
		// A point with no live bytes of the route has no sites either: growth from nothing.
		const before = reference.sites ?? (reference.liveBytes === 0 ? new Map<string, number>() : undefined);
		if (!before) return [];
		const growth: SiteGrowth[] = [];
		for (const [site, bytes] of newest.sites) {
			const bytesPerRequest = (bytes - (before.get(site) ?? 0)) / requests;
			if (bytesPerRequest > 0) growth.push({ site, bytesPerRequest });
		}
		return growth.sort((a, b) => b.bytesPerRequest - a.bytesPerRequest).slice(0, count);
	}

	/**
	 * Newest first, back to the first point at least `window` requests older than the newest. Points
	 * older than that never come back into a window (request counts only grow), so their per-site maps
	 * are dropped here: the ring keeps 128 points per route, and only two maps are ever read.
	 */
	#window(window: number): Point[] {
		const points: Point[] = [];
		let reference: Point | undefined;
		for (const point of this.#points.newestFirst()) {
			if (reference) {
				point.sites = undefined;
				continue;
			}
			points.push(point);
			if (points[0].requests - point.requests >= window) reference = point;
		}
		return points;
	}

	/** The most recent points, oldest first. */
	recent(count: number): { requests: number; liveBytes: number; lastingTurnover: number }[] {
		const points: { requests: number; liveBytes: number; lastingTurnover: number }[] = [];
		for (const { requests, liveBytes, lastingTurnover } of this.#points.newestFirst()) {
			if (points.length === count) break;
			points.push({ requests, liveBytes, lastingTurnover: lastingTurnover ?? 0 });
		}
		return points.reverse();
	}

	estimate(window: number, samplingInterval: number): TrendEstimate | undefined {
		const points = this.#window(window);
		if (points.length < 2) return undefined;
		const requests = points[0].requests - points[points.length - 1].requests;
		if (requests === 0) return undefined;

		const n = points.length;
		const meanX = points.reduce((sum, p) => sum + p.requests, 0) / n;
		const meanY = points.reduce((sum, p) => sum + p.liveBytes, 0) / n;
		let sxx = 0;
		let sxy = 0;
		for (const p of points) {
			sxx += (p.requests - meanX) ** 2;
			sxy += (p.requests - meanX) * (p.liveBytes - meanY);
		}
		const slope = sxy / sxx;
		let rss = 0;
		for (const p of points) rss += (p.liveBytes - meanY - slope * (p.requests - meanX)) ** 2;
		// With two points the line fits exactly: only the sampling noise is known.
		const scatter = n > 2 ? Math.sqrt(rss / (n - 2) / sxx) : 0;
		const turnover = points[0].turnover - points[n - 1].turnover;
		const samplingNoise = Math.sqrt((turnover + samplingInterval) * samplingInterval) / requests;
		return { bytesPerRequest: slope, standardError: Math.max(scatter, samplingNoise), requests, points: n };
	}
}
