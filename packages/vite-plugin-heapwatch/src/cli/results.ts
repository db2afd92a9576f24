import type { FindingReport, Report, RouteReport, SourceLocation, UnplacedReport } from '@heapwatch/core';
import type { Decision, GateRule } from './decide.ts';
import type { TargetResult } from './run-check.ts';
import { compareWithBaseline, type Baseline, type BaselineEntry } from './baseline.ts';
import { fails, findingsOfRoute, findingOfShared, type GateFinding } from './findings.ts';

export type { GateFinding } from './findings.ts';

export interface CheckRow {
	/** The URL template as requested. */
	url: string;
	method: string;
	route: string | null;
	/** The gate's answer (decide.ts). */
	decision: Decision;
	/** heapwatch's live verdict: `leak` (keeps memory), `handles` (leaves timers/handles alive), `ok`, or `warming`. */
	verdict: 'leak' | 'handles' | 'ok' | 'warming';
	status: number;
	/** Measured requests the check sent (after warm-up). */
	runs: number;
	/** Requests abandoned mid-response or read slowly besides them (`--abort`); heapwatch's estimate counts them too. */
	abandoned: number;
	/** Requests heapwatch counted for the route, sub-requests and warm-up included. */
	requests: number;
	/** The trend the decision rests on (trend.ts): bytes kept per request, Buffers included. */
	retainedBytesPerRequest: number;
	/** Its standard error; null when there was no trend yet. */
	standardError: number | null;
	/** Post-GC samples the trend rests on. */
	points: number;
	externalBytesPerRequest: number;
	handles: number;
	handlesPerRequest: number;
	firstFlaggedAt: number | null;
	topSource: SourceLocation | null;
	file: string | null;
	/** What makes it fail, one line each (empty for `clean`). */
	findings: GateFinding[];
}

export interface CheckResult {
	/** Nothing leaks, and nothing is undecided unless undecided targets are allowed. */
	ok: boolean;
	rule: GateRule;
	allowUndecided: boolean;
	rows: CheckRow[];
	/** Code that runs under many routes (hooks.server, +layout.server) or state they share, flagged by heapwatch. */
	findings: GateFinding[];
	/** The shared findings as heapwatch reported them. */
	shared: FindingReport[];
	/** Baseline entries that no longer reproduce (with `--baseline`). */
	fixed: BaselineEntry[];
	/**
	 * Heap growth over all requests that heapwatch could not place on any target (null until measured).
	 * Said, never gating: it names no target to fix, and a dev server's own drift is in it.
	 */
	unplaced: UnplacedReport | null;
}

export function collectResults(results: TargetResult[], report: Report, rule: GateRule, allowUndecided: boolean, baseline?: Baseline): CheckResult {
	const rows = results.map((result) => rowOf(result, rule));
	const shared = report.findings.filter((f) => f.verdict === 'leak');
	const findings = shared.map(findingOfShared);
	const result: CheckResult = { ok: true, rule, allowUndecided, rows, findings, shared, fixed: [], unplaced: report.unplaced ?? null };
	if (baseline) result.fixed = compareWithBaseline(result, baseline).fixed;
	result.ok = ![...rows.flatMap((r) => r.findings), ...findings].some((f) => fails(f, allowUndecided));
	return result;
}

function rowOf({ target, routeId, status, runs, abandoned, estimate, decision, route }: TargetResult, rule: GateRule): CheckRow {
	const verdict = liveVerdict(route);
	// The line behind the answer: where lingering handles were created when that is the leak (the route's
	// render allocates too, in its components), else where the memory is allocated.
	const handleSite = route?.handleVerdict === 'leak' ? route.handleSites[0] : undefined;
	const topSource = (verdict === 'handles' ? handleSite : undefined) ?? route?.sources[0] ?? handleSite ?? null;
	const row: CheckRow = {
		url: target.url,
		method: target.method ?? 'GET',
		route: routeId,
		decision,
		verdict,
		status,
		runs,
		abandoned,
		requests: route?.requests ?? 0,
		retainedBytesPerRequest: Math.round(estimate?.bytesPerRequest ?? route?.retainedBytesPerRequest ?? 0),
		standardError: estimate && Number.isFinite(estimate.standardError) ? Math.round(estimate.standardError) : null,
		points: estimate?.points ?? 0,
		externalBytesPerRequest: Math.round(route?.externalBytesPerRequest ?? 0),
		handles: route?.handles ?? 0,
		handlesPerRequest: route?.handlesPerRequest ?? 0,
		firstFlaggedAt: route?.firstFlaggedAt ?? null,
		topSource: topSource ? { file: topSource.file, line: topSource.line, ...(topSource.function ? { function: topSource.function } : {}) } : null,
		file: route?.file ?? null,
		findings: []
	};
	row.findings = findingsOfRoute(row, route, rule);
	return row;
}

function liveVerdict(route: RouteReport | undefined): CheckRow['verdict'] {
	if (route?.verdict === 'leak') return 'leak';
	if (route?.handleVerdict === 'leak') return 'handles';
	return route?.verdict ?? 'warming';
}
