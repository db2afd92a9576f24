#!/usr/bin/env node
/**
 * `heapwatch check`: for CI. Starts the app's Vite dev server with heapwatch in this process,
 * requests each route until it can tell whether it leaks, and exits 1 on a leak or an undecided route.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createAbortTraffic } from './abort-traffic.ts';
import { DEFAULT_MAX_RUNS, DEFAULT_MIN_RUNS, parseCheckArgs, UsageError, USAGE, type CheckArgs } from './args.ts';
import { readBaseline, writeBaseline } from './baseline.ts';
import { Z, type GateRule } from './decide.ts';
import { createProgress } from './progress.ts';
import { formatReport } from './reporters/index.ts';
import { collectResults } from './results.ts';
import { runCheck } from './run-check.ts';
import { startApp, type App } from './start-app.ts';
import { prepareRemoteTargets, resolveTargets } from './targets.ts';
import type { ResolvedOptions } from '../options.ts';

async function main(argv: string[]): Promise<number> {
	const args = parseCheckArgs(argv);
	if (args.help) {
		process.stdout.write(`${USAGE}\n`);
		return 0;
	}
	const root = path.resolve(args.root);
	// Read before the dev server starts: a baseline that cannot be read should not cost a whole check.
	const baseline = args.baseline && !args.updateBaseline ? readBaseline(path.resolve(args.baseline)) : undefined;
	const app: App = await startApp(root, args.config, args.verbose);
	try {
		const targets = resolveTargets(args, app.options.check.routes, root);
		await prepareRemoteTargets(app.server, root, targets);
		const rule = gateRule(args, app.options);
		const progress = createProgress();
		const { results, report } = await runCheck(app, targets, rule, app.options, progress, args.abort ? createAbortTraffic() : undefined);
		progress.done();
		const result = collectResults(results, report, rule, args.allowUndecided, baseline);
		const output = formatReport(args.reporter, result, root);
		if (args.output) {
			writeFileSync(path.resolve(args.output), `${output}\n`);
			process.stdout.write(`${args.reporter === 'table' ? output : formatReport('table', result, root)}\n`);
		} else {
			process.stdout.write(`${output}\n`);
		}
		if (args.updateBaseline && args.baseline) {
			const written = writeBaseline(path.resolve(args.baseline), result);
			// On stderr: stdout is the report, which a reporter other than the table makes machine-readable.
			process.stderr.write(`Baseline ${args.baseline} written: ${written.findings.length} finding${written.findings.length === 1 ? '' : 's'} accepted.\n`);
			return 0;
		}
		return result.ok ? 0 : 1;
	} finally {
		await app.close();
	}
}

/** The command line wins over `heapwatch({ check: { runs } })`, which wins over the defaults. */
function gateRule(args: CheckArgs, options: ResolvedOptions): GateRule {
	const exact = args.runs ?? (args.minRuns === undefined && args.maxRuns === undefined ? options.check.runs : undefined);
	const minRuns = exact ?? args.minRuns ?? DEFAULT_MIN_RUNS;
	const maxRuns = exact ?? args.maxRuns ?? Math.max(DEFAULT_MAX_RUNS, minRuns);
	return { threshold: options.leakThreshold, z: Z, minRuns, maxRuns };
}

try {
	process.exitCode = await main(process.argv.slice(2));
} catch (error) {
	if (error instanceof UsageError) {
		process.stderr.write(`heapwatch: ${error.message}\n`);
	} else {
		process.stderr.write(`heapwatch: the check could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	}
	process.exitCode = 2;
}
// The dev server is closed; if a handle of the app's code still holds the event loop (the kind of
// leak this tool reports), exit anyway rather than hang the CI job. An unref'd timer fires only then.
setTimeout(() => process.exit(), 2000).unref();
