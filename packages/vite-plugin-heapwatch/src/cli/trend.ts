import type { RouteReport } from '@heapwatch/core';
import type { GateEstimate } from './decide.ts';

/**
 * What the gate decides on for one route: the least-squares slope of its sampled live bytes
 * (`history`, one point per post-GC sample) against its request count, over the points from
 * `fromRequests` on, plus heapwatch's estimate of the Buffers it keeps.
 *
 * The slope's error is the scatter of the points around the line, never below one sampled
 * allocation (`samplingInterval` bytes) over the span: a route whose points all read the same has no
 * scatter, but sampling could still have missed that much.
 */
export function trendEstimate(route: RouteReport, fromRequests: number, samplingInterval: number): GateEstimate | undefined {
	const points = route.history.filter((p) => p.requests >= fromRequests);
	const n = points.length;
	if (n < 2) return undefined;
	const span = points[n - 1].requests - points[0].requests;
	if (span <= 0) return undefined;
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
	const scatter = n > 2 ? Math.sqrt(rss / (n - 2) / sxx) : Infinity;
	const heapError = Math.max(scatter, samplingInterval / span);
	// Buffers are estimated by heapwatch alone (no trend of them in the report); its error covers both.
	const external = route.externalBytesPerRequest;
	const externalError = external > 0 ? (route.retainedStandardError ?? Infinity) : 0;
	return { bytesPerRequest: slope + external, standardError: Math.hypot(heapError, externalError), points: n };
}
