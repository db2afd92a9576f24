import { describe, expect, it } from 'vitest';
import { parseCheckArgs, UsageError } from '../../src/cli/args.ts';
import { resolveOptions } from '../../src/options.ts';

describe('heapwatch check arguments', () => {
	it('reads routes, runs, method and body', () => {
		const args = parseCheckArgs(['check', '/products/{n}', '/cart', '--runs', '12', '--method', 'post', '--body', 'id={n}', '--json']);
		expect(args).toMatchObject({ routes: ['/products/{n}', '/cart'], runs: 12, method: 'POST', body: 'id={n}', reporter: 'json' });
	});

	it("reports an unknown flag in node's words, as a usage error", () => {
		expect(() => parseCheckArgs(['check', '--frobnicate'])).toThrow(UsageError);
		expect(() => parseCheckArgs(['check', '--frobnicate'])).toThrow("Unknown option '--frobnicate'");
	});

	it('rejects bad runs, relative routes and unknown commands with the fix', () => {
		expect(() => parseCheckArgs(['check', '--runs', '0'])).toThrow('--runs must be a whole number from 1 to 10000, got "0".');
		expect(() => parseCheckArgs(['check', 'products/{n}'])).toThrow(
			'Route "products/{n}" must be a path starting with "/", such as /products/{n}, or a remote query\'s name, such as getPosts.'
		);
		// A bare name is a remote query (resolved against the app's *.remote.ts files later).
		expect(parseCheckArgs(['check', 'getPosts']).routes).toEqual(['getPosts']);
		expect(() => parseCheckArgs(['watch'])).toThrow('Unknown command "watch". The only command is "check".');
	});

	it('reads the gate flags and rejects contradictions with the fix', () => {
		expect(parseCheckArgs(['check', '--min-runs', '20', '--max-runs', '400', '--allow-undecided', '--reporter', 'junit', '--output', 'r.xml'])).toMatchObject({
			minRuns: 20,
			maxRuns: 400,
			allowUndecided: true,
			reporter: 'junit',
			output: 'r.xml'
		});
		expect(parseCheckArgs(['check'])).toMatchObject({ runs: undefined, minRuns: undefined, maxRuns: undefined, allowUndecided: false, reporter: 'table' });
		expect(() => parseCheckArgs(['check', '--reporter', 'tap'])).toThrow('Unknown reporter "tap". Reporters: table, json, junit, sarif, github.');
		expect(() => parseCheckArgs(['check', '--runs', '20', '--max-runs', '40'])).toThrow(
			'--runs sets an exact number of requests: give either --runs, or --min-runs and --max-runs.'
		);
		expect(() => parseCheckArgs(['check', '--min-runs', '60', '--max-runs', '40'])).toThrow('--min-runs (60) must not be above --max-runs (40).');
		expect(() => parseCheckArgs(['check', '--json', '--reporter', 'sarif'])).toThrow('--json is --reporter json: it cannot go with --reporter sarif.');
	});

	it('reads --abort and the baseline flags; --update-baseline alone writes heapwatch-baseline.json', () => {
		expect(parseCheckArgs(['check', '--abort', '--baseline', 'known.json'])).toMatchObject({ abort: true, baseline: 'known.json', updateBaseline: false });
		expect(parseCheckArgs(['check', '--update-baseline'])).toMatchObject({ baseline: 'heapwatch-baseline.json', updateBaseline: true });
		expect(parseCheckArgs(['check'])).toMatchObject({ abort: false, baseline: undefined, updateBaseline: false });
	});
});

describe('the check option of heapwatch()', () => {
	it('defaults to discovered routes and runs until decided', () => {
		expect(resolveOptions().check).toEqual({ routes: [] });
	});

	it('turns templates into GET routes and keeps actions', () => {
		const { check } = resolveOptions({ check: { routes: ['/a/{n}', { url: '/b?/save', method: 'post', body: { name: '{n}' } }], runs: 5 } });
		expect(check).toEqual({
			runs: 5,
			routes: [
				{ url: '/a/{n}', method: 'GET' },
				{ url: '/b?/save', method: 'POST', body: { name: '{n}' } }
			]
		});
	});

	it('names a bad or unknown check option', () => {
		expect(() => resolveOptions({ check: { runs: 0 } })).toThrow('[heapwatch] option "check.runs" must be a whole number from 1 to 10000, got 0.');
		expect(() => resolveOptions({ check: { routes: ['products'] } })).toThrow('[heapwatch] option "check.routes[0].url" must be a path starting with "/"');
		// @ts-expect-error an unknown option
		expect(() => resolveOptions({ check: { rounds: 3 } })).toThrow('[heapwatch] unknown option "check.rounds". Known check options: routes, runs');
	});
});
