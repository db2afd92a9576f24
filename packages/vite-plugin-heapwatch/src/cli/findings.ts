import { formatBytes, type FindingReport, type RouteReport, type SourceLocation } from '@heapwatch/core';
import type { BaselineState } from './baseline.ts';
import { boundFactor, MIN_POINTS, type GateRule } from './decide.ts';
import type { CheckRow } from './results.ts';

/**
 * What heapwatch says at module scope (the collection that keeps a leak, state requests share) is
 * newer than this gate: read structurally, when present, so that the gate follows what the report says.
 */
interface Kept {
	name: string;
	kind: string;
	file: string;
	line: number;
	entriesPerRequest: number;
	entries: number;
	unbounded: boolean;
}
export type RouteRow = RouteReport & { keptBy?: Kept[] };
export type SharedRow = Omit<FindingReport, 'kind'> & {
	kind: string;
	keptBy?: Kept[];
	binding?: { name: string; line: number; writes: number; writtenBy: string[] };
};

/**
 * What heapwatch counts rather than estimates: handles left alive after responses, a module-scope
 * collection that gains entries with every request. Memory is the gate's own call (decide.ts): the
 * live verdict is tuned for a person browsing.
 */
export function flagged(route: RouteRow | undefined): boolean {
	return route !== undefined && (route.handleVerdict === 'leak' || (route.keptBy ?? []).some((k) => k.unbounded));
}

/**
 * One reason a check fails, as every reporter shows it: a line of the table, a JUnit failure, a
 * SARIF result, a GitHub annotation. `kind` is heapwatch's word for what was found; kinds the
 * reporters do not know yet pass through as they are.
 */
export interface GateFinding {
	/** `heap`, `buffers`, `handles`, `kept-by`, `undecided`, or a shared finding's kind (`hooks`, `layout`, `shared-state`, ...). */
	kind: string;
	/** The route id, or null for code shared by many routes. */
	route: string | null;
	/** Where to look, relative to the app root, when known. */
	file: string | null;
	line: number | null;
	bytesPerRequest: number | null;
	/** One sentence: what, where, how much, and what to do for `undecided`. */
	message: string;
	/** Against `--baseline`, when one is given. */
	baseline?: BaselineState;
}

/** Whether a finding fails the check: not when the baseline accepts it, nor an undecided target when allowed. */
export const fails = (f: GateFinding, allowUndecided: boolean) => f.baseline !== 'accepted' && (f.kind !== 'undecided' || !allowUndecided);

export const size = (bytes: number) => formatBytes(bytes);
export const where = (s: SourceLocation | null) => (s ? `${s.file}:${s.line}${s.function ? ` (${s.function})` : ''}` : '-');
export const estimateText = (row: Pick<CheckRow, 'retainedBytesPerRequest' | 'standardError'>) =>
	row.standardError === null ? 'no estimate' : `${size(row.retainedBytesPerRequest)} ± ${size(row.standardError)}`;

/** Why a row fails: memory (heap or Buffers), handles, unbounded collections; or why it is undecided. */
export function findingsOfRoute(row: CheckRow, route: RouteRow | undefined, rule: GateRule): GateFinding[] {
	const name = row.route ?? `${row.url} (no route, ${row.status})`;
	const findings: GateFinding[] = [];
	const base = { route: row.route };
	if (row.decision === 'undecided') {
		findings.push({
			...base,
			kind: 'undecided',
			file: row.file,
			line: row.file ? 1 : null,
			bytesPerRequest: row.retainedBytesPerRequest,
			message:
				(row.points < MIN_POINTS
					? `${name} has no trend to decide on after ${row.runs} requests (it needs ${MIN_POINTS} post-GC samples, from one window into the measured requests). `
					: `${name} keeps ${estimateText(row)} per request after ${row.runs} requests: neither clearly above nor clearly below the ${size(rule.threshold)} threshold. `) +
				`Raise --max-runs (now ${rule.maxRuns}) to decide it, or pass --allow-undecided.`
		});
		return findings;
	}
	if (row.decision !== 'leak' || !route) return findings;
	const memory = row.points >= MIN_POINTS && row.retainedBytesPerRequest - boundFactor(rule, row.points) * (row.standardError ?? Infinity) > rule.threshold;
	if (memory) {
		const buffers = row.externalBytesPerRequest * 2 >= row.retainedBytesPerRequest && row.externalBytesPerRequest > 0;
		const source = route.sources[0] ?? null;
		findings.push({
			...base,
			kind: buffers ? 'buffers' : 'heap',
			file: source?.file ?? row.file,
			line: source?.line ?? (row.file ? 1 : null),
			bytesPerRequest: row.retainedBytesPerRequest,
			message:
				`${name} keeps ${estimateText(row)} per request${buffers ? ` (${size(row.externalBytesPerRequest)} of it in Buffers, outside the JS heap)` : ''}, ` +
				`over ${row.runs} requests${row.abandoned ? ` and ${row.abandoned} abandoned ones` : ''}; ${source ? `allocated at ${where(source)}` : `allocated where sampling could not place it (${row.file ?? 'no server file'})`}.`
		});
	}
	for (const kept of route.keptBy ?? []) {
		if (!kept.unbounded) continue;
		findings.push({
			...base,
			kind: 'kept-by',
			file: kept.file,
			line: kept.line,
			bytesPerRequest: null,
			message: `${name}: ${kept.kind} \`${kept.name}\` at ${kept.file}:${kept.line} gains ${kept.entriesPerRequest.toFixed(1)} entries per request (${kept.entries} now) and is never trimmed.`
		});
	}
	if (route.handleVerdict === 'leak') {
		for (const site of route.handleSites.slice(0, 3)) {
			findings.push({
				...base,
				kind: 'handles',
				file: site.file,
				line: site.line,
				bytesPerRequest: null,
				message:
					`${name} leaves ${site.count} ${site.type}${site.delayMs === undefined ? '' : ` (${site.delayMs} ms)`} alive after its responses, created at ${where(site)}` +
					`${row.abandoned ? ` (${row.runs} requests read whole, ${row.abandoned} abandoned mid-response or read slowly)` : ''}.`
			});
		}
	}
	if (findings.length === 0) {
		// Decided leak on something this gate does not spell out yet: still one line, at the route's file.
		findings.push({
			...base,
			kind: 'heap',
			file: row.file,
			line: row.file ? 1 : null,
			bytesPerRequest: row.retainedBytesPerRequest,
			message: `${name} leaks (${estimateText(row)} per request).`
		});
	}
	return findings;
}

/** A hooks.server / +layout.server file that keeps memory, or state shared across requests. */
export function findingOfShared(finding: SharedRow): GateFinding {
	const source = finding.sources.find((s) => s.file === finding.file) ?? finding.sources[0] ?? null;
	const kept = finding.keptBy?.find((k) => k.unbounded) ?? finding.keptBy?.[0];
	const line = finding.binding?.line ?? kept?.line ?? (source?.file === finding.file ? source.line : 1);
	const message = finding.binding
		? `${finding.file}:${finding.binding.line}: the module-level \`${finding.binding.name}\` is reassigned by requests (${finding.binding.writes} writes, by ${finding.binding.writtenBy.join(', ')}): concurrent users can see each other's value.`
		: `${finding.kind} ${finding.file} keeps ~${size(finding.retainedBytesPerRequest)} per request of the routes it runs under` +
			`${kept ? `, in ${kept.kind} \`${kept.name}\` (line ${kept.line})` : ''}; top source ${where(source)}.`;
	return { kind: finding.kind, route: null, file: finding.file, line, bytesPerRequest: finding.binding ? null : finding.retainedBytesPerRequest, message };
}
