// A route as the overlay, the terminal and `heapwatch check` see it (RouteReport): its counts, its
// estimate rounded for display, and what the handle tracker and module scope add. One shape for the
// report and for every verdict change, so the two never disagree.
import type { RouteEstimate } from '../estimator/verdict.ts';
import type { HandleTracker } from '../handles/handle-tracker.ts';
import { NO_HANDLES } from '../handles/route-handles.ts';
import { routeKey } from '../protocol/naming.ts';
import type { MonitorOptions } from '../monitor-options.ts';
import type { RouteReport } from '../protocol/report.ts';
import type { ScopeWatch } from '../scope/scope-watch.ts';
import type { RouteState } from './route-table.ts';

export interface RouteReportContext {
	options: Pick<MonitorOptions, 'leakThreshold' | 'fileOf'>;
	handles: HandleTracker | undefined;
	scope: ScopeWatch | undefined;
}

/** Trend points a route's sparkline shows. */
const HISTORY_POINTS = 60;

export function describeRoute(route: RouteState, context: RouteReportContext): RouteReport {
	const { handles, scope } = context;
	return {
		id: route.id,
		requests: route.requests,
		verdict: route.verdict,
		retainedBytesPerRequest: Math.round(route.estimate?.bytesPerRequest ?? 0),
		externalBytesPerRequest: Math.round(route.estimate?.externalBytesPerRequest ?? 0),
		estimateRequests: route.estimate?.requests ?? 0,
		retainedStandardError: standardErrorOf(route.estimate),
		firstFlaggedAt: route.firstFlaggedAt,
		...(handles?.describe(routeKey(route.id)) ?? NO_HANDLES),
		abortedRequests: route.aborted,
		uncertain: route.verdict === 'ok' && (route.estimate?.bytesPerRequest ?? 0) >= context.options.leakThreshold,
		sources: route.sources,
		file: context.options.fileOf(route.id),
		last: route.last,
		history: route.trend.recent(HISTORY_POINTS),
		...(scope && { keptBy: scope.keptBy(routeKey(route.id), route.estimate?.bytesPerRequest) })
	};
}

function standardErrorOf(estimate: RouteEstimate | undefined): number | null {
	return estimate && Number.isFinite(estimate.standardError) ? Math.round(estimate.standardError) : null;
}
