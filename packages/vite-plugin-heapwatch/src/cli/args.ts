import { parseArgs } from 'node:util';

/** A mistake in how the CLI was called or configured: exit code 2, the message, no stack. */
export class UsageError extends Error {}

export const USAGE = `Usage: heapwatch check [route...] [options]

Starts your app's Vite dev server with heapwatch, requests each route again and again with fresh
parameters, and reports the routes that keep memory or leave timers and handles alive.

  route               a URL template, such as /products/{n} ({n} becomes a fresh value per request);
                      default: check.routes from heapwatch({ check }) in vite.config, else every
                      route of src/routes without parameters
  --runs <n>          measured requests per route (default: check.runs, else 30)
  --method <method>   HTTP method for the routes given on the command line (default GET)
  --body <body>       request body for them, {n} replaced too (sent as a form unless it starts with { or [)
  --root <dir>        the app's root (default: the current directory)
  --config <file>     the Vite config file (default: the one Vite finds in the root)
  --json              print the results as JSON on stdout
  --verbose           show Vite's and heapwatch's own log lines
  -h, --help          show this help

Exit codes: 0 no route leaks, 1 a route keeps memory or leaves handles, 2 usage or setup error.`;

export interface CheckArgs {
	routes: string[];
	runs?: number;
	method: string;
	body?: string;
	root: string;
	config?: string;
	json: boolean;
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
	if (values.help) return { ...values, routes: [], runs: undefined, help: true };
	if (command !== 'check') {
		throw new UsageError(command === undefined ? USAGE : `Unknown command "${command}". The only command is "check".\n\n${USAGE}`);
	}
	const runs = values.runs === undefined ? undefined : Number(values.runs);
	if (runs !== undefined && (!Number.isInteger(runs) || runs < 1 || runs > 10_000)) {
		throw new UsageError(`--runs must be a whole number from 1 to 10000, got "${values.runs}".`);
	}
	for (const route of routes) {
		if (!route.startsWith('/')) throw new UsageError(`Route "${route}" must be a path starting with "/", such as /products/{n}.`);
	}
	if (!/^[A-Za-z]+$/.test(values.method)) throw new UsageError(`--method must be an HTTP method such as POST, got "${values.method}".`);
	return { ...values, method: values.method.toUpperCase(), routes, runs };
}
