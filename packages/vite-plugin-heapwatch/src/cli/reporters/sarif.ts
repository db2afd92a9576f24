import { fails, type GateFinding } from '../findings.ts';
import type { CheckResult } from '../results.ts';
import type { ReporterContext } from './index.ts';

/** What each kind of finding means, as code scanning shows a rule. Kinds not listed get a generic text. */
const RULES: Record<string, string> = {
	heap: 'A route keeps JavaScript heap memory on every request.',
	buffers: 'A route keeps Buffers (memory outside the JavaScript heap) on every request.',
	handles: 'A route leaves timers, sockets or other handles alive after its response.',
	'kept-by': 'A module-scope collection grows with every request and is never trimmed.',
	hooks: 'hooks.server keeps memory on every request of the routes it runs under.',
	layout: 'A +layout.server load keeps memory on every request of the routes under it.',
	'shared-state': 'A module-level variable is reassigned by requests: concurrent users can see each other\u2019s value.',
	undecided: 'heapwatch check could not tell whether the route keeps memory within --max-runs requests.'
};

const SARIF_BASELINE = { accepted: 'unchanged', worse: 'updated', new: 'new' } as const;

/**
 * SARIF 2.1.0 for code scanning: one result per finding, at the line that keeps or allocates the
 * memory (or creates the handle), with the route's server file as a related location.
 */
export function formatSarif(result: CheckResult, { toRepo, version }: ReporterContext): string {
	const findings = [...result.rows.flatMap((r) => r.findings.map((f) => ({ f, routeFile: r.file }))), ...result.findings.map((f) => ({ f, routeFile: null }))];
	const kinds = [...new Set(findings.map(({ f }) => f.kind))];
	const location = (file: string, line: number | null, text?: string) => ({
		physicalLocation: { artifactLocation: { uri: encodeURI(toRepo(file)), uriBaseId: '%SRCROOT%' }, ...(line ? { region: { startLine: line } } : {}) },
		...(text ? { message: { text } } : {})
	});
	const resultOf = ({ f, routeFile }: { f: GateFinding; routeFile: string | null }) => ({
		ruleId: `heapwatch/${f.kind}`,
		ruleIndex: kinds.indexOf(f.kind),
		level: f.baseline === 'accepted' ? 'note' : fails(f, result.allowUndecided) ? 'error' : 'warning',
		...(f.baseline ? { baselineState: SARIF_BASELINE[f.baseline] } : {}),
		message: { text: f.message },
		...(f.file ? { locations: [location(f.file, f.line)] } : {}),
		...(routeFile && routeFile !== f.file ? { relatedLocations: [{ id: 0, ...location(routeFile, 1, `the route ${f.route ?? ''}`.trim()) }] } : {}),
		...(f.bytesPerRequest === null ? {} : { properties: { bytesPerRequest: f.bytesPerRequest, route: f.route } })
	});
	const sarif = {
		$schema: 'https://json.schemastore.org/sarif-2.1.0.json',
		version: '2.1.0',
		runs: [
			{
				tool: {
					driver: {
						name: 'heapwatch',
						version,
						informationUri: 'https://www.npmjs.com/package/vite-plugin-heapwatch',
						rules: kinds.map((kind) => ({
							id: `heapwatch/${kind}`,
							name: kind,
							shortDescription: { text: RULES[kind] ?? `heapwatch found a ${kind} leak.` },
							defaultConfiguration: { level: 'error' }
						}))
					}
				},
				results: findings.map(resultOf)
			}
		]
	};
	return JSON.stringify(sarif, null, 2);
}
