import type { Report, SourceLocation } from '@heapwatch/core';
import type { TargetResult } from './run-check.ts';

export interface CheckRow {
	/** The URL template as requested. */
	url: string;
	method: string;
	route: string | null;
	/** `leak` (keeps memory), `handles` (leaves timers/handles alive), `ok`, or `warming` (too few requests). */
	verdict: 'leak' | 'handles' | 'ok' | 'warming';
	status: number;
	requests: number;
	retainedBytesPerRequest: number;
	handles: number;
	handlesPerRequest: number;
	firstFlaggedAt: number | null;
	topSource: SourceLocation | null;
	file: string | null;
}

export interface CheckResult {
	ok: boolean;
	rows: CheckRow[];
	/** Shared code (hooks.server, +layout.server) that keeps memory under the checked routes. */
	findings: Report['findings'];
}

export function collectResults(results: TargetResult[], report: Report): CheckResult {
	const rows = results.map(({ target, routeId, status }): CheckRow => {
		const route = report.routes.find((r) => r.id === routeId);
		const verdict = route?.verdict === 'leak' ? 'leak' : route?.handleVerdict === 'leak' ? 'handles' : (route?.verdict ?? 'warming');
		// The line behind the verdict: where the lingering handles were created, for a `handles` row.
		const topSource = (verdict === 'handles' ? route?.handleSites[0] : route?.sources[0]) ?? null;
		return {
			url: target.url,
			method: target.method ?? 'GET',
			route: routeId,
			verdict,
			status,
			requests: route?.requests ?? 0,
			retainedBytesPerRequest: Math.round(route?.retainedBytesPerRequest ?? 0),
			handles: route?.handles ?? 0,
			handlesPerRequest: route?.handlesPerRequest ?? 0,
			firstFlaggedAt: route?.firstFlaggedAt ?? null,
			topSource: topSource ? { file: topSource.file, line: topSource.line, ...(topSource.function ? { function: topSource.function } : {}) } : null,
			file: route?.file ?? null
		};
	});
	const findings = report.findings.filter((f) => f.verdict === 'leak');
	const ok = rows.every((r) => r.verdict !== 'leak' && r.verdict !== 'handles') && findings.length === 0;
	return { ok, rows, findings };
}

const size = (bytes: number) => (Math.abs(bytes) < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`);
const where = (s: SourceLocation | null) => (s ? `${s.file}:${s.line}${s.function ? ` (${s.function})` : ''}` : '-');

/** The table people read: one line per checked route, then shared findings and a summary. */
export function formatTable(result: CheckResult): string {
	const header = ['route', 'verdict', 'retained/request', 'handles', 'top source'];
	const lines = result.rows.map((r) => [
		`${r.method === 'GET' ? '' : `${r.method} `}${r.route ?? `${r.url} (no route, ${r.status})`}`,
		r.verdict,
		size(r.retainedBytesPerRequest),
		String(r.handles),
		where(r.topSource)
	]);
	const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
	const format = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
	const out = [format(header), format(widths.map((w) => '-'.repeat(w))), ...lines.map(format)];
	for (const f of result.findings) {
		out.push(
			'',
			`${f.kind === 'hooks' ? 'hooks' : 'layout'} ${f.file} keeps ~${size(Math.round(f.retainedBytesPerRequest))} per request of the routes it runs under; top source ${where(f.sources[0] ?? null)}`
		);
	}
	const failing = result.rows.filter((r) => r.verdict === 'leak' || r.verdict === 'handles');
	const warming = result.rows.filter((r) => r.verdict === 'warming');
	out.push('');
	if (result.ok) out.push(`No leaks in ${result.rows.length} route${result.rows.length === 1 ? '' : 's'}.`);
	else
		out.push(
			`${failing.length + result.findings.length} of ${result.rows.length + result.findings.length} leak: ${[...failing.map((r) => r.route ?? r.url), ...result.findings.map((f) => f.file)].join(', ')}`
		);
	if (warming.length > 0) out.push(`Too few measured requests for a verdict on ${warming.map((r) => r.route ?? r.url).join(', ')}: raise --runs.`);
	return out.join('\n');
}
