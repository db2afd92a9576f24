import { readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from './args.ts';
import type { GateFinding } from './findings.ts';
import type { CheckResult, CheckRow } from './results.ts';

/**
 * Findings a team accepts so that it can adopt the gate on an app that already leaks: the check
 * then fails only on new findings, or on known ones that got clearly worse.
 */
export interface Baseline {
	version: 1;
	findings: BaselineEntry[];
}

export interface BaselineEntry {
	/** The route id, or null for shared code (then `file` names it). */
	route: string | null;
	kind: string;
	file: string | null;
	/** What it kept per request when accepted; null for findings that are counted, not measured (handles, kept-by). */
	bytesPerRequest: number | null;
}

/** A finding against the baseline: accepted as known, worse than accepted, or new. */
export type BaselineState = 'accepted' | 'worse' | 'new';

/** Finding kinds heapwatch counts rather than estimates. */
const COUNTED = new Set(['handles', 'kept-by']);

const keyOf = (f: { route: string | null; kind: string; file: string | null }) => (f.route === null ? `${f.kind} ${f.file}` : `${f.kind} ${f.route}`);

export function readBaseline(file: string): Baseline {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch {
		throw new UsageError(`Cannot read the baseline ${file}. Write it with heapwatch check --baseline ${file} --update-baseline.`);
	}
	let baseline: Baseline;
	try {
		baseline = JSON.parse(text) as Baseline;
	} catch (error) {
		throw new UsageError(`The baseline ${file} is not JSON (${(error as Error).message}). Write it anew with --update-baseline.`);
	}
	if (baseline?.version !== 1 || !Array.isArray(baseline.findings)) {
		throw new UsageError(`The baseline ${file} is not a heapwatch baseline ({ "version": 1, "findings": [...] }). Write it anew with --update-baseline.`);
	}
	return baseline;
}

/** Every finding of this run, as the baseline to accept. */
export function writeBaseline(file: string, result: CheckResult): Baseline {
	const findings = [...result.rows.flatMap((r) => r.findings), ...result.findings].map((f): BaselineEntry => ({
		route: f.route,
		kind: f.kind,
		file: f.file,
		bytesPerRequest: f.bytesPerRequest === null ? null : Math.round(f.bytesPerRequest)
	}));
	const baseline: Baseline = { version: 1, findings };
	writeFileSync(file, `${JSON.stringify(baseline, null, '\t')}\n`);
	return baseline;
}

/**
 * Marks each finding accepted, worse or new, and finds the accepted ones that no longer reproduce:
 * entries of a route that this run found clean, and counted ones (handles, kept-by) of a route that
 * ran min-runs requests without them (a route not checked, or an estimate undecided, tells nothing).
 * Worse: the estimate's lower bound is more than one threshold above what was accepted.
 */
export function compareWithBaseline(result: CheckResult, baseline: Baseline): { fixed: BaselineEntry[] } {
	const accepted = new Map(baseline.findings.map((entry) => [keyOf(entry), entry]));
	const stateOf = (finding: GateFinding, row: CheckRow | undefined): BaselineState => {
		const entry = accepted.get(keyOf(finding));
		if (!entry) return 'new';
		if (entry.bytesPerRequest === null || finding.bytesPerRequest === null) return 'accepted';
		const lower = finding.bytesPerRequest - result.rule.z * (row?.standardError ?? 0);
		return lower > entry.bytesPerRequest + result.rule.threshold ? 'worse' : 'accepted';
	};
	for (const row of result.rows) for (const finding of row.findings) finding.baseline = stateOf(finding, row);
	for (const finding of result.findings) finding.baseline = stateOf(finding, undefined);

	const rows = new Map(result.rows.map((r) => [r.route, r]));
	const fixed = baseline.findings.filter((entry) => {
		const row = entry.route === null ? undefined : rows.get(entry.route);
		if (!row) return false;
		if (row.decision === 'clean') return true;
		// What heapwatch counts (handles left alive, a collection that grows) shows within the first batch:
		// a route that ran min-runs requests without it no longer has it, whatever its estimate says.
		return COUNTED.has(entry.kind) && row.runs >= result.rule.minRuns && !row.findings.some((f) => f.kind === entry.kind);
	});
	return { fixed };
}
