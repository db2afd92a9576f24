import { readFileSync } from 'node:fs';
import type { CheckResult } from '../results.ts';
import { formatGithub } from './github.ts';
import { formatJunit } from './junit.ts';
import { repoPaths } from './paths.ts';
import { formatSarif } from './sarif.ts';
import { formatTable } from './table.ts';

export interface ReporterContext {
	/** A file relative to the app root, made relative to the repository (CI systems locate files there). */
	toRepo(file: string): string;
	version: string;
}

/** Named as vitest names its reporters. */
export const REPORTERS = {
	table: (result: CheckResult) => formatTable(result),
	json: (result: CheckResult) => JSON.stringify(result, null, 2),
	junit: formatJunit,
	sarif: formatSarif,
	github: formatGithub
} satisfies Record<string, (result: CheckResult, context: ReporterContext) => string>;

export type ReporterName = keyof typeof REPORTERS;

export function formatReport(name: ReporterName, result: CheckResult, root: string): string {
	return REPORTERS[name](result, { toRepo: repoPaths(root), version: ownVersion() });
}

function ownVersion(): string {
	// dist/cli/index.mjs sits two folders under the package, src/cli/reporters/index.ts three.
	for (const up of ['../../package.json', '../../../package.json']) {
		try {
			const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
			if (pkg.name === 'vite-plugin-heapwatch' && pkg.version) return pkg.version;
		} catch {
			// Not there: try the next; the version is only informative.
		}
	}
	return '0.0.0';
}
