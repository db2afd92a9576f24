export { Monitor, type MonitorOptions } from './monitor.ts';
export { sharedKey, type RoutePrefixOf } from './routes/shared-keys.ts';
export { matchRouteId, routePattern, type RoutePattern } from './routes/route-pattern.ts';
export type { MonitorEvent, MonitorEvents, MonitorListener } from './events/monitor-events.ts';
export { SCOPE_REGISTRY_KEY } from './scope/scope-registry.ts';
export { requestStorage, type RequestContext } from './request/request-context.ts';
export { outsideRequests } from './request/outside-requests.ts';
export { RetentionEstimator, type RetentionEstimate, type EstimatorOptions } from './estimator/retention-estimator.ts';
export type { Interval } from './estimator/interval.ts';
export { nextVerdict, type VerdictOptions } from './estimator/verdict.ts';
export { solveNnls } from './estimator/nnls.ts';
export { RingBuffer } from './ring-buffer.ts';
export { replacedFiles, type ModuleNodeLike } from './handles/replaced-files.ts';
export { LiveBytesTrend, type TrendEstimate } from './estimator/live-bytes-trend.ts';
export { INSTRUMENTATION, TOOLING, UNPLACED, type ClassifyScript, type IsAppCode } from './heap/allocation-keys.ts';
export { parseSite, type AllocationSite } from './heap/allocation-site.ts';
export type { LiveBytes } from './heap/live-bytes-tally.ts';
export type { LongPause } from './heap/idle-sampler.ts';
export type { RouteEstimate } from './estimator/verdict.ts';
export type {
	Verdict,
	SourceLocation,
	RequestSummary,
	RouteReport,
	MemoryFigures,
	Report,
	HandleSite,
	StaleHandleSite,
	FindingReport,
	KeptBy,
	ProcessReport,
	UnplacedReport
} from './protocol/report.ts';
export * from './protocol/index.ts';
export { forceGc } from './heap/gc.ts';
export { readMemory } from './heap/memory.ts';
export * from './retainers/index.ts';
export { MajorGcs, type MajorGc } from './heap/major-gcs.ts';
export { HandleTracker } from './handles/handle-tracker.ts';
export { relativePath } from './paths.ts';
export { studentT, type StudentLevel } from './estimator/student-t.ts';
