import { fails, type GateFinding } from '../findings.ts';
import type { CheckResult } from '../results.ts';
import type { ReporterContext } from './index.ts';
import { formatTable } from './table.ts';

// https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions#setting-an-error-message
const data = (text: string) => text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
const property = (text: string) => data(text).replaceAll(':', '%3A').replaceAll(',', '%2C');

/** The table for the log, then one `::error` annotation per finding (`::warning` for an allowed undecided target). */
export function formatGithub(result: CheckResult, { toRepo }: ReporterContext): string {
	const annotate = (f: GateFinding) => {
		const level = f.baseline === 'accepted' ? 'notice' : fails(f, result.allowUndecided) ? 'error' : 'warning';
		const location = f.file ? `file=${property(toRepo(f.file))}${f.line ? `,line=${f.line}` : ''},` : '';
		return `::${level} ${location}title=${property(`heapwatch: ${f.kind}${f.route ? ` in ${f.route}` : ''}`)}::${data(f.message)}`;
	};
	const annotations = [...result.rows.flatMap((r) => r.findings), ...result.findings].map(annotate);
	return [formatTable(result), ...(annotations.length > 0 ? ['', ...annotations] : [])].join('\n');
}
