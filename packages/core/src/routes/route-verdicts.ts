// After each post-GC sample, the verdict of every route that took requests since the one before: the
// shared subject step (findings/subject-verdict.ts) with what only routes have, the regression's
// estimate of the Buffers they keep and what their module scope shows.
import type { RetentionEstimate } from '../estimator/retention-estimator.ts';
import type { TrendEstimate } from '../estimator/live-bytes-trend.ts';
import type { RouteEstimate } from '../estimator/verdict.ts';
import { judgeSubject, type SubjectOptions } from '../findings/subject-verdict.ts';
import type { RouteReport, Verdict } from '../protocol/report.ts';
import type { ScopeWatch } from '../scope/scope-watch.ts';
import type { RouteState, RouteTable } from './route-table.ts';

export interface RouteVerdictContext {
	routes: RouteTable;
	options: SubjectOptions & { isIgnored(id: string | null): boolean };
	/** A change worth telling (see judgeSubject), of a route not ignored. */
	onVerdictChange(route: RouteReport, previous: Verdict): void;
	/** The regression's estimate for a route key, this epoch (see RetentionEstimator). */
	regression(key: string): RetentionEstimate | undefined;
	scope: ScopeWatch | undefined;
	describe(route: RouteState): RouteReport;
}

export function updateRouteVerdicts({ routes, options, onVerdictChange, regression, scope, describe }: RouteVerdictContext): void {
	for (const [key, route] of routes) {
		if (!route.changedSinceEstimate) continue;
		route.changedSinceEstimate = false;
		const previous = judgeSubject(
			route,
			{
				requests: route.requests,
				estimate: (trend) => combine(trend, regression(key)),
				// What module scope shows: a tiny leak by entry count, a bounded cache that fills (see scope-watch).
				settle: scope && ((heap, before) => scope.verdictOf(key, heap, before, options.trendWindow()))
			},
			options
		);
		if (previous !== undefined && !options.isIgnored(route.id)) onVerdictChange(describe(route), previous);
	}
}

/**
 * The route's own allocations (sampled, exact in kind, request markers included) and the Buffers it
 * keeps. Heap growth that sampling could not place is not the route's: a regression of it on request
 * counts flagged clean routes of a real app (236 KB per request on a page returning Date.now(), with
 * no source), so it is reported process-wide instead (Report.unplaced).
 */
function combine(trend: TrendEstimate | undefined, rest: RetentionEstimate | undefined): RouteEstimate | undefined {
	if (!trend && !rest) return undefined;
	const external = rest?.externalBytesPerRequest ?? 0;
	return {
		bytesPerRequest: (trend?.bytesPerRequest ?? 0) + external,
		standardError: Math.hypot(trend?.standardError ?? 0, external > 0 ? rest!.externalStandardError : 0),
		externalBytesPerRequest: external,
		requests: trend?.requests ?? rest!.requests
	};
}
