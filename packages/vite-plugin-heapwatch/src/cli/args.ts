import { parseArgs } from 'node:util';
import { REPORTERS, type ReporterName } from './reporters/index.ts';

/** A remote query named on the command line: `getPosts`, `<file>#getPosts` or `remote:<file>#getPosts` (see targets.ts). */
const REMOTE_NAME = /^(remote:)?([^#\s]+\.remote\.(js|ts)#)?[A-Za-z_$][\w$]*$/;

/** A mistake in how the CLI was called or configured: exit code 2, the message, no stack. */
export class UsageError extends Error {}

/** Measured requests before a route can be called clean: two estimate windows, so that the trend has points to scatter. */
export const DEFAULT_MIN_RUNS = 40;
/** Measured requests before a route is left undecided. */
export const DEFAULT_MAX_RUNS = 300;

export const USAGE = `Usage: heapwatch check [route...] [options]

Starts your app's Vite dev server with heapwatch, requests each route again and again with fresh
parameters until it can tell, and answers for each: leak, clean, or undecided.

  route                a URL template, such as /products/{n} ({n} becomes a fresh value per request);
                       or a remote query by name (getPosts, or src/routes/blog/data.remote.ts#getPosts),
                       called over HTTP with a fresh argument;
                       default: check.routes from heapwatch({ check }) in vite.config, else every
                       route of src/routes without parameters
  --min-runs <n>       measured requests before a route can be called clean (default ${DEFAULT_MIN_RUNS})
  --max-runs <n>       measured requests before a route is left undecided (default ${DEFAULT_MAX_RUNS})
  --runs <n>           exactly n measured requests per route (sets both; default: check.runs if set)
  --allow-undecided    exit 0 when no route leaks even if some are undecided
  --abort              also send, beside each request, one that the client abandons after the first
                       chunk or reads slowly and abandons (streams without cancel leak only then)
  --baseline <file>    accept the findings listed there: fail only on new or worse ones, report fixed ones
  --update-baseline    write every finding of this run to the baseline file (default heapwatch-baseline.json)
  --reporter <name>    table (default), json, junit, sarif or github (annotations after the table)
  --output <file>      write the report there; the table still goes to stdout
  --json               the same as --reporter json
  --method <method>    HTTP method for the routes given on the command line (default GET)
  --body <body>        request body for them, {n} replaced too (sent as a form unless it starts with { or [)
  --root <dir>         the app's root (default: the current directory)
  --config <file>      the Vite config file (default: the one Vite finds in the root)
  --verbose            show Vite's and heapwatch's own log lines
  -h, --help           show this help

Exit codes: 0 every route clean (or undecided, with --allow-undecided; or its findings accepted by
the baseline; or the baseline was updated), 1 a route or shared code leaks, or a route is
undecided, 2 usage or setup error.`;

export interface CheckArgs {
	routes: string[];
	runs?: number;
	minRuns?: number;
	maxRuns?: number;
	allowUndecided: boolean;
	/** The baseline file to compare with (or to write, with updateBaseline). */
	baseline?: string;
	updateBaseline: boolean;
	/** Send abandoned and slowly read requests beside the complete ones. */
	abort: boolean;
	reporter: ReporterName;
	output?: string;
	method: string;
	body?: string;
	root: string;
	config?: string;
	verbose: boolean;
	help: boolean;
}

/** Parses `heapwatch <command> ...`; throws UsageError with node's own wording for unknown flags. */
export function parseCheckArgs(argv: string[]): CheckArgs {
	let parsed;
	try {
		parsed = parseArgs({
			args: argv,
			allowPositionals: true,
			strict: true,
			options: {
				runs: { type: 'string' },
				'min-runs': { type: 'string' },
				'max-runs': { type: 'string' },
				'allow-undecided': { type: 'boolean', default: false },
				baseline: { type: 'string' },
				'update-baseline': { type: 'boolean', default: false },
				abort: { type: 'boolean', default: false },
				reporter: { type: 'string' },
				output: { type: 'string' },
				method: { type: 'string', default: 'GET' },
				body: { type: 'string' },
				root: { type: 'string', default: process.cwd() },
				config: { type: 'string' },
				json: { type: 'boolean', default: false },
				verbose: { type: 'boolean', default: false },
				help: { type: 'boolean', short: 'h', default: false }
			}
		});
	} catch (error) {
		throw new UsageError(`${(error as Error).message}\nRun heapwatch check --help for the options.`);
	}
	const { values, positionals } = parsed;
	const [command, ...routes] = positionals;
	const common = { method: values.method, body: values.body, root: values.root, config: values.config, verbose: values.verbose, output: values.output };
	if (values.help) return { ...common, routes: [], allowUndecided: false, updateBaseline: false, abort: false, reporter: 'table', help: true };
	if (command !== 'check') {
		throw new UsageError(command === undefined ? USAGE : `Unknown command "${command}". The only command is "check".\n\n${USAGE}`);
	}
	const runs = count('--runs', values.runs);
	const minRuns = count('--min-runs', values['min-runs']);
	const maxRuns = count('--max-runs', values['max-runs']);
	if (runs !== undefined && (minRuns !== undefined || maxRuns !== undefined)) {
		throw new UsageError('--runs sets an exact number of requests: give either --runs, or --min-runs and --max-runs.');
	}
	if ((minRuns ?? DEFAULT_MIN_RUNS) > (maxRuns ?? Math.max(DEFAULT_MAX_RUNS, minRuns ?? 0))) {
		throw new UsageError(`--min-runs (${minRuns ?? DEFAULT_MIN_RUNS}) must not be above --max-runs (${maxRuns}).`);
	}
	const reporter = values.reporter ?? (values.json ? 'json' : 'table');
	if (!Object.hasOwn(REPORTERS, reporter)) {
		throw new UsageError(`Unknown reporter "${reporter}". Reporters: ${Object.keys(REPORTERS).join(', ')}.`);
	}
	if (values.json && reporter !== 'json') throw new UsageError(`--json is --reporter json: it cannot go with --reporter ${reporter}.`);
	for (const route of routes) {
		if (!route.startsWith('/') && !REMOTE_NAME.test(route)) {
			throw new UsageError(`Route "${route}" must be a path starting with "/", such as /products/{n}, or a remote query's name, such as getPosts.`);
		}
	}
	if (!/^[A-Za-z]+$/.test(values.method)) throw new UsageError(`--method must be an HTTP method such as POST, got "${values.method}".`);
	return {
		...common,
		method: values.method.toUpperCase(),
		routes,
		runs,
		minRuns,
		maxRuns,
		allowUndecided: values['allow-undecided'],
		baseline: values.baseline ?? (values['update-baseline'] ? 'heapwatch-baseline.json' : undefined),
		updateBaseline: values['update-baseline'],
		abort: values.abort,
		reporter: reporter as ReporterName,
		help: false
	};
}

function count(flag: string, value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new UsageError(`${flag} must be a whole number from 1 to 10000, got "${value}".`);
	return n;
}
