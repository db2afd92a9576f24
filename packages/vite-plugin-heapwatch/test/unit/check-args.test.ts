import { describe, expect, it } from 'vitest';
import { parseCheckArgs, UsageError } from '../../src/cli/args.ts';
import { resolveOptions } from '../../src/options.ts';

describe('heapwatch check arguments', () => {
	it('reads routes, runs, method and body', () => {
		const args = parseCheckArgs(['check', '/products/{n}', '/cart', '--runs', '12', '--method', 'post', '--body', 'id={n}', '--json']);
		expect(args).toMatchObject({ routes: ['/products/{n}', '/cart'], runs: 12, method: 'POST', body: 'id={n}', json: true });
	});

	it("reports an unknown flag in node's words, as a usage error", () => {
		expect(() => parseCheckArgs(['check', '--frobnicate'])).toThrow(UsageError);
		expect(() => parseCheckArgs(['check', '--frobnicate'])).toThrow("Unknown option '--frobnicate'");
	});

	it('rejects bad runs, relative routes and unknown commands with the fix', () => {
		expect(() => parseCheckArgs(['check', '--runs', '0'])).toThrow('--runs must be a whole number from 1 to 10000, got "0".');
		expect(() => parseCheckArgs(['check', 'products'])).toThrow('Route "products" must be a path starting with "/", such as /products/{n}.');
		expect(() => parseCheckArgs(['watch'])).toThrow('Unknown command "watch". The only command is "check".');
	});
});

describe('the check option of heapwatch()', () => {
	it('defaults to discovered routes and 30 runs', () => {
		expect(resolveOptions().check).toEqual({ routes: [], runs: 30 });
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
