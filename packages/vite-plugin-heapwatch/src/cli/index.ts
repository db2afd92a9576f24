#!/usr/bin/env node
/**
 * `heapwatch check`: for CI. Starts the app's Vite dev server with heapwatch in this process,
 * requests each route again and again, and exits 1 when a route keeps memory or leaves handles.
 */
import path from 'node:path';
import { parseCheckArgs, UsageError, USAGE } from './args.ts';
import { createProgress } from './progress.ts';
import { collectResults, formatTable } from './results.ts';
import { runCheck } from './run-check.ts';
import { startApp, type App } from './start-app.ts';
import { resolveTargets } from './targets.ts';

async function main(argv: string[]): Promise<number> {
	const args = parseCheckArgs(argv);
	if (args.help) {
		process.stdout.write(`${USAGE}\n`);
		return 0;
	}
	const root = path.resolve(args.root);
	const app: App = await startApp(root, args.config, args.verbose);
	try {
		const targets = resolveTargets(args, app.options.check.routes, root);
		const runs = args.runs ?? app.options.check.runs;
		const progress = createProgress();
		const { results, report } = await runCheck(app.url, targets, runs, app.options, progress);
		progress.done();
		const result = collectResults(results, report);
		process.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatTable(result)}\n`);
		return result.ok ? 0 : 1;
	} finally {
		await app.close();
	}
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
