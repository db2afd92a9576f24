// The monitor's snapshot for the overlay, the report endpoint and `heapwatch check` (Report): every
// part's figures gathered in one shape. Reads only; nothing here changes what is measured.
import type { SharedFinding, SharedSources } from './findings/shared-sources.ts';
import type { UnplacedGrowth } from './findings/unplaced-growth.ts';
import type { HandleTracker } from './handles/handle-tracker.ts';
import type { SampleHistory } from './heap/sample-history.ts';
import type { SampleSchedule } from './heap/sample-schedule.ts';
import type { MonitorOptions } from './monitor-options.ts';
import { processReport } from './process/monitors.ts';
import type { FindingReport, Report, RouteReport } from './protocol/report.ts';
import type { RouteState, RouteTable } from './routes/route-table.ts';
import { sharedKey } from './routes/shared-keys.ts';
import type { ScopeWatch } from './scope/scope-watch.ts';

export interface ReportParts {
	epoch: number;
	options: Pick<MonitorOptions, 'isIgnored'>;
	routes: RouteTable;
	describe(route: RouteState): RouteReport;
	samples: SampleHistory;
	schedule: SampleSchedule;
	/** See SamplingReport.quietSpellsOnly. */
	quietSpellsOnly: boolean;
	unplaced: UnplacedGrowth;
	handles: HandleTracker | undefined;
	scope: ScopeWatch | undefined;
	shared: SharedSources;
}

export function monitorReport(parts: ReportParts): Report {
	const { schedule, options } = parts;
	const routes: RouteReport[] = [];
	for (const route of parts.routes.values()) {
		if (!options.isIgnored(route.id)) routes.push(parts.describe(route));
	}
	routes.sort((a, b) => b.retainedBytesPerRequest - a.retainedBytesPerRequest);
	const samples = parts.samples.report();
	return {
		version: 1,
		epoch: parts.epoch,
		samples: samples.samples,
		lastSample: samples.lastSample,
		sampling: {
			underLoad: schedule.coarse,
			allocationIntervalBytes: schedule.interval,
			busySampleAfterMs: schedule.busySampleAfterMs(),
			quietSpellsOnly: parts.quietSpellsOnly
		},
		history: samples.history,
		routes,
		staleHandles: parts.handles?.staleSites() ?? [],
		process: processReport(),
		unplaced: parts.unplaced.report(),
		findings: findings(parts)
	};
}

/** A shared file's finding with the module-scope collections that keep its memory, when they are watched. */
export function withKeptBy(finding: SharedFinding, scope: ScopeWatch | undefined): FindingReport {
	return scope ? { ...finding, keptBy: scope.keptBy(sharedKey(finding.kind, finding.file)) } : finding;
}

/** Shared files that keep memory (hooks, layouts, instrumentation), and state shared across requests. */
function findings({ shared, scope }: ReportParts): FindingReport[] {
	return [
		...shared
			.report()
			.filter((finding) => finding.verdict !== 'warming' || finding.retainedBytesPerRequest > 0)
			.map((finding) => withKeptBy(finding, scope)),
		...(scope?.sharedState.report() ?? [])
	];
}
