import { formatBytes } from '@heapwatch/core';
import { estimateText, fails, where, type GateFinding } from '../findings.ts';
import type { CheckResult, CheckRow } from '../results.ts';

const nameOf = (r: CheckRow) => `${r.method === 'GET' ? '' : `${r.method} `}${r.route ?? `${r.url} (no route, ${r.status})`}`;
const BASELINE_TAG = { accepted: ' (accepted by the baseline)', worse: ' (worse than the baseline)', new: ' (new)' };

/** The table people read: one line per target, the reasons below it, then a summary that says what to do. */
export function formatTable(result: CheckResult): string {
	const header = ['route', 'decision', 'retained/request', 'runs', 'handles', 'top source'];
	const lines = result.rows.map((r) => [nameOf(r), r.decision, estimateText(r), String(r.runs), String(r.handles), where(r.topSource)]);
	const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
	const format = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
	const out = [format(header), format(widths.map((w) => '-'.repeat(w))), ...lines.map(format)];
	const reasons = [...result.rows.flatMap((r) => r.findings), ...result.findings];
	if (reasons.length > 0) out.push('', ...reasons.map((f) => `${f.kind}${f.baseline ? BASELINE_TAG[f.baseline] : ''}: ${f.message}`));

	const failing = (f: GateFinding) => fails(f, result.allowUndecided);
	const leaking = result.rows.filter((r) => r.decision === 'leak' && r.findings.some(failing));
	const shared = result.findings.filter(failing);
	const undecided = result.rows.filter((r) => r.decision === 'undecided' && r.findings.some((f) => f.baseline !== 'accepted'));
	const accepted = reasons.filter((f) => f.baseline === 'accepted');
	const all = result.rows.length + result.findings.length;
	out.push('');
	if (leaking.length + shared.length > 0) {
		out.push(`${leaking.length + shared.length} of ${all} leak: ${[...leaking.map((r) => r.route ?? r.url), ...shared.map((f) => f.file)].join(', ')}`);
	}
	if (undecided.length > 0) {
		const names = undecided.map((r) => r.route ?? r.url).join(', ');
		out.push(
			result.allowUndecided
				? `Undecided after ${result.rule.maxRuns} requests (allowed by --allow-undecided): ${names}`
				: `Undecided after ${result.rule.maxRuns} requests: ${names}. Raise --max-runs to decide, or pass --allow-undecided.`
		);
	}
	if (accepted.length > 0) out.push(`Accepted by the baseline: ${accepted.map((f) => `${f.kind} ${f.route ?? f.file}`).join(', ')}`);
	if (result.fixed.length > 0) {
		out.push(`Fixed since the baseline: ${result.fixed.map((e) => `${e.kind} ${e.route ?? e.file}`).join(', ')}. Drop them with --update-baseline.`);
	}
	const clean = result.rows.filter((r) => r.decision === 'clean').length;
	if (result.ok && leaking.length + shared.length + undecided.length === 0) out.push(`No new leaks: ${clean} route${clean === 1 ? '' : 's'} clean.`);
	if (result.unplaced?.verdict === 'leak') out.push(unplacedNote(result.unplaced));
	return out.join('\n');
}

/** Said after the verdict, not part of it: growth no target can be given fails no job (CheckResult.unplaced). */
function unplacedNote(unplaced: NonNullable<CheckResult['unplaced']>): string {
	return `Not gating: the heap grew ~${formatBytes(unplaced.bytesPerRequest)} per request over the last ${unplaced.requests} requests that heapwatch could not place on any target (memory built outside route files, such as a library's or the dev server's own). A target flagged above may hold part of it.`;
}
