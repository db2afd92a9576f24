import type { RetentionEstimate } from './retention-estimator.ts';
import type { TrendEstimate } from './live-bytes-trend.ts';
import type { RouteEstimate } from './verdict.ts';

/**
 * The route's own allocations (sampled, exact in kind), its share of heap growth that sampling could
 * not place, and the Buffers it keeps. A regression coefficient held at zero adds no noise.
 */
export function combineEstimates(trend: TrendEstimate | undefined, rest: RetentionEstimate | undefined): RouteEstimate | undefined {
	if (!trend && !rest) return undefined;
	const heapRest = rest?.heapBytesPerRequest ?? 0;
	const external = rest?.externalBytesPerRequest ?? 0;
	return {
		bytesPerRequest: (trend?.bytesPerRequest ?? 0) + heapRest + external,
		standardError: Math.hypot(
			trend?.standardError ?? 0,
			heapRest > 0 ? rest!.heapStandardError : 0,
			external > 0 ? rest!.externalStandardError : 0
		),
		externalBytesPerRequest: external,
		requests: trend?.requests ?? rest!.requests
	};
}
