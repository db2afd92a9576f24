import { fails, type GateFinding } from '../findings.ts';
import type { CheckResult, CheckRow } from '../results.ts';
import type { ReporterContext } from './index.ts';

const escape = (text: string) =>
	text
		.replaceAll('&', '&amp;')
		.replaceAll('<', '&lt;')
		.replaceAll('>', '&gt;')
		.replaceAll('"', '&quot;')
		// Control characters other than tab and newlines are not allowed in XML 1.0.
		// eslint-disable-next-line no-control-regex
		.replaceAll(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');

interface Case {
	name: string;
	classname: string;
	file: string | null;
	/** `failure` for a leak (or an undecided target), `skipped` for one allowed undecided or accepted by the baseline. */
	outcome: 'passed' | 'failure' | 'skipped';
	type: string;
	findings: GateFinding[];
}

/**
 * JUnit XML as CI test panels read it (the shape vitest's and jest-junit's reports have): one
 * testcase per target and per shared finding, a failure carrying the finding text.
 */
export function formatJunit(result: CheckResult, { toRepo }: ReporterContext): string {
	const cases: Case[] = [
		...result.rows.map((row) => caseOfRow(row, result.allowUndecided)),
		...result.findings.map((f): Case => ({
			name: `${f.kind} ${f.file}`,
			classname: 'heapwatch.shared',
			file: f.file,
			outcome: fails(f, false) ? 'failure' : 'skipped',
			type: f.kind,
			findings: [f]
		}))
	];
	const failures = cases.filter((c) => c.outcome === 'failure').length;
	const skipped = cases.filter((c) => c.outcome === 'skipped').length;
	const counts = `tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}"`;
	const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="heapwatch check" ${counts}>`, `  <testsuite name="heapwatch check" ${counts}>`];
	for (const c of cases) {
		const file = c.file ? ` file="${escape(toRepo(c.file))}"` : '';
		const open = `    <testcase classname="${escape(c.classname)}" name="${escape(c.name)}"${file}`;
		if (c.outcome === 'passed') {
			out.push(`${open} />`);
			continue;
		}
		const text = c.findings.map((f) => `${f.kind}: ${f.message}${f.file ? `\n  at ${toRepo(f.file)}${f.line ? `:${f.line}` : ''}` : ''}`).join('\n');
		const first = c.findings[0];
		const message = escape(first?.baseline === 'accepted' ? `accepted by the baseline: ${first.message}` : (first?.message ?? c.type));
		out.push(`${open}>`);
		out.push(
			c.outcome === 'skipped'
				? `      <skipped message="${message}" />`
				: `      <failure message="${message}" type="${escape(c.type)}">${escape(text)}</failure>`
		);
		out.push('    </testcase>');
	}
	out.push('  </testsuite>', '</testsuites>');
	return out.join('\n');
}

function caseOfRow(row: CheckRow, allowUndecided: boolean): Case {
	const name = `${row.method} ${row.route ?? row.url}`;
	const outcome = row.findings.some((f) => fails(f, allowUndecided)) ? 'failure' : row.decision === 'clean' ? 'passed' : 'skipped';
	return { name, classname: 'heapwatch.routes', file: row.file, outcome, type: row.decision, findings: row.findings };
}
