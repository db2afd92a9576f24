import { RingBuffer } from '../ring-buffer.ts';

export interface TrendEstimate {
	/** Growth of the route's sampled live bytes per request of the route. */
	bytesPerRequest: number;
	/** Sampling noise of that figure: each sample stands for about `samplingInterval` bytes. */
	standardError: number;
	requests: number;
}

/**
 * A route's live sampled bytes (allocations whose stack runs through its own files and are still
 * alive after GC) against its request count. The slope over the recent window is what each request
 * leaves behind; a cache that stopped growing has a flat line, whatever its size.
 */
export class LiveBytesTrend {
	#points = new RingBuffer<{ requests: number; liveBytes: number }>(128);

	add(requests: number, liveBytes: number): void {
		this.#points.push({ requests, liveBytes });
	}

	clear(): void {
		this.#points.clear();
	}

	estimate(window: number, samplingInterval: number): TrendEstimate | undefined {
		let newest: { requests: number; liveBytes: number } | undefined;
		let reference: typeof newest;
		for (const point of this.#points.newestFirst()) {
			newest ??= point;
			reference = point;
			if (newest.requests - point.requests >= window) break;
		}
		if (!newest || !reference || newest.requests === reference.requests) return undefined;
		const requests = newest.requests - reference.requests;
		const growth = newest.liveBytes - reference.liveBytes;
		return {
			bytesPerRequest: growth / requests,
			standardError: Math.sqrt(Math.abs(growth) * samplingInterval + samplingInterval ** 2) / requests,
			requests
		};
	}
}
