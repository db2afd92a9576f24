/**
 * What the overlay lists under "warnings" and counts on its badge, derived from the report on the
 * server and sent whole in the feed, so both ends agree on keys and wording.
 */
import type { FindingReport, HandleSite, KeptBy, Report, RouteReport, SourceLocation, StaleHandleSite } from './report.ts';
import { routeKey } from './naming.ts';

/** Something the overlay lists under "warnings" and counts on its badge. */
export type Warning = LeakWarning | HandlesWarning | FindingWarning | UnplacedWarning | StaleHandlesWarning;

/** A route whose requests keep memory: its verdict is `leak`. */
export interface LeakWarning {
	/** Stable across messages: the same warning keeps its key. */
	key: string;
	kind: 'leak';
	routeId: string | null;
	retainedBytesPerRequest: number;
	/** Where most of the retained memory is allocated, when known. */
	source: SourceLocation | null;
	/** The module-scope collection that keeps it, when one grows with the route's requests. */
	keptBy?: KeptBy;
	/** The route's request count when it was flagged. */
	flaggedAt: number | null;
}

/** A route whose requests leave timers or other handles alive: its handleVerdict is `leak`. */
export interface HandlesWarning {
	key: string;
	kind: 'handles';
	routeId: string | null;
	handlesPerRequest: number;
	/** Alive now. */
	handles: number;
	/** Where most of them are created, when known. */
	site: HandleSite | null;
	flaggedAt: number | null;
}

/** Code shared by many routes (hooks.server, a +layout.server) that keeps memory on every request it runs for. */
export interface FindingWarning {
	key: string;
	kind: 'finding';
	/** `hooks` runs on every request; `layout` on every route under the layout. */
	scope: FindingReport['kind'];
	file: string;
	retainedBytesPerRequest: number;
	source: SourceLocation | null;
	flaggedAt: number | null;
	/** For `shared-state`: the module-level binding that requests reassign. */
	binding?: FindingReport['binding'];
}

/** The heap grows with requests by memory no route, shared file or marker can be given (Report.unplaced). */
export interface UnplacedWarning {
	key: 'unplaced';
	kind: 'unplaced';
	retainedBytesPerRequest: number;
	/** Requests of every route the estimate spans. */
	requests: number;
	flaggedAt: number | null;
}

/** Handles created by a module instance that an HMR edit replaced, still running. */
export interface StaleHandlesWarning {
	key: string;
	kind: 'stale-handles';
	site: StaleHandleSite;
}

/** What every warning about one route starts with: its key names the kind and the route. */
const aboutRoute = <K extends (LeakWarning | HandlesWarning)['kind']>(kind: K, route: RouteReport) => ({
	key: `${kind}:${routeKey(route.id)}`,
	kind,
	routeId: route.id
});

/**
 * Warnings are derived from the report: routes whose verdict or handleVerdict is `leak`, shared code
 * (hooks, layouts) whose verdict is `leak`, growth nothing places when it is `leak`, and handles left
 * running by replaced modules.
 */
export function warningsOf(report: Report): Warning[] {
	const warnings: Warning[] = [];
	for (const route of report.routes) {
		if (route.verdict === 'leak') {
			warnings.push({
				...aboutRoute('leak', route),
				retainedBytesPerRequest: route.retainedBytesPerRequest,
				source: route.sources[0] ?? null,
				...(route.keptBy?.[0] && { keptBy: route.keptBy[0] }),
				flaggedAt: route.firstFlaggedAt
			});
		}
		if (route.handleVerdict === 'leak') {
			warnings.push({
				...aboutRoute('handles', route),
				handlesPerRequest: route.handlesPerRequest,
				handles: route.handles,
				site: route.handleSites[0] ?? null,
				flaggedAt: route.handlesFlaggedAt
			});
		}
	}
	for (const finding of report.findings) {
		if (finding.verdict !== 'leak') continue;
		warnings.push({
			key: finding.binding ? `finding:${finding.file}:${finding.binding.name}` : `finding:${finding.file}`,
			kind: 'finding',
			scope: finding.kind,
			file: finding.file,
			retainedBytesPerRequest: finding.retainedBytesPerRequest,
			source: finding.sources[0] ?? null,
			flaggedAt: finding.firstFlaggedAt,
			...(finding.binding && { binding: finding.binding })
		});
	}
	if (report.unplaced?.verdict === 'leak') {
		const { bytesPerRequest, requests, firstFlaggedAt } = report.unplaced;
		warnings.push({ key: 'unplaced', kind: 'unplaced', retainedBytesPerRequest: bytesPerRequest, requests, flaggedAt: firstFlaggedAt });
	}
	// One per site; the same site reported twice (it should not be) is merged so that keys stay unique.
	const stale = new Map<string, StaleHandlesWarning>();
	for (const site of report.staleHandles) {
		const key = `stale-handles:${site.epoch}:${routeKey(site.route)}:${site.type}:${site.file}:${site.line}`;
		const seen = stale.get(key);
		if (seen) seen.site = { ...seen.site, count: seen.site.count + site.count };
		else stale.set(key, { key, kind: 'stale-handles', site });
	}
	warnings.push(...stale.values());
	return warnings;
}
