import { estimateText, where } from '../findings.ts';
import type { CheckResult, CheckRow } from '../results.ts';

const nameOf = (r: CheckRow) => `${r.method === 'GET' ? '' : `${r.method} `}${r.route ?? `${r.url} (no route, ${r.status})`}`;

/** The table people read: one line per target, the reasons below it, then a summary that says what to do. */
export function formatTable(result: CheckResult): string {
	const header = ['route', 'decision', 'retained/request', 'runs', 'handles', 'top source'];
	const lines = result.rows.map((r) => [nameOf(r), r.decision, estimateText(r), String(r.runs), String(r.handles), where(r.topSource)]);
	const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
	const format = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
	const out = [format(header), format(widths.map((w) => '-'.repeat(w))), ...lines.map(format)];
	const reasons = [...result.rows.flatMap((r) => r.findings), ...result.findings];
	if (reasons.length > 0) out.push('', ...reasons.map((f) => `${f.kind}: ${f.message}`));

	const leaking = result.rows.filter((r) => r.decision === 'leak');
	const undecided = result.rows.filter((r) => r.decision === 'undecided');
	const all = result.rows.length + result.findings.length;
	out.push('');
	if (leaking.length + result.findings.length > 0) {
		out.push(
			`${leaking.length + result.findings.length} of ${all} leak: ${[...leaking.map((r) => r.route ?? r.url), ...result.findings.map((f) => f.file)].join(', ')}`
		);
	}
	if (undecided.length > 0) {
		const names = undecided.map((r) => r.route ?? r.url).join(', ');
		out.push(
			result.allowUndecided
				? `Undecided after ${result.rule.maxRuns} requests (allowed by --allow-undecided): ${names}`
				: `Undecided after ${result.rule.maxRuns} requests: ${names}. Raise --max-runs to decide, or pass --allow-undecided.`
		);
	}
	const clean = result.rows.filter((r) => r.decision === 'clean').length;
	if (result.ok && undecided.length === 0) out.push(`No leaks: ${clean} route${clean === 1 ? '' : 's'} clean.`);
	return out.join('\n');
}
