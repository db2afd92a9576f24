import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { playgroundDir } from '../../../../scripts/lib/dev-server.ts';
import { heapwatch as check } from './check-runner.ts';

describe('heapwatch check', () => {
	it('exits 1 and names the route that keeps memory, and the one that leaves timers', async () => {
		const { code, stdout } = await check('check', '/lab/unbounded-cache/{n}', '/lab/interval/{n}');
		expect(code).toBe(1);
		expect(stdout).toMatch(/^route +decision +retained\/request +runs +handles +top source$/m);
		// Decided at the first batch by the collection that grows.
		expect(stdout).toMatch(/^\/lab\/unbounded-cache\/\[id\] +leak +.+ +20 +0 +\S.*$/m);
		expect(stdout).toMatch(
			/^kept-by: \/lab\/unbounded-cache\/\[id\]: Object `globalCache` at src\/routes\/lab\/unbounded-cache\/\[id\]\/\+page\.server\.ts:\d+ gains 1\.0 entries per request/m
		);
		expect(stdout).toMatch(/^\/lab\/interval\/\[id\] +leak .* src\/routes\/lab\/interval\/\[id\]\/\+page\.server\.ts:\d+( \(load\))?$/m);
		expect(stdout).toMatch(
			/^handles: \/lab\/interval\/\[id\] leaves \d+ Interval \(\d+ ms\) alive after its responses, created at src\/routes\/lab\/interval\/\[id\]\/\+page\.server\.ts:\d+/m
		);
		expect(stdout).toContain('2 of 2 leak: /lab/unbounded-cache/[id], /lab/interval/[id]');
	});

	it('exits 0 on clean routes (undecided allowed) and prints parseable JSON with --json', { timeout: 300_000 }, async () => {
		// --allow-undecided: on a busy machine a clean route can stay undecided at --max-runs; it must never be a leak.
		const { code, stdout } = await check('check', '/lab/weakmap/{n}', '/lab/locals/{n}', '/lab/singleton', '--allow-undecided', '--json');
		expect(code, stdout).toBe(0);
		const result = JSON.parse(stdout);
		expect(result.ok).toBe(true);
		expect(result.rows.map((r: { route: string }) => r.route)).toEqual(['/lab/weakmap/[id]', '/lab/locals/[id]', '/lab/singleton']);
		for (const row of result.rows) {
			expect(row).toMatchObject({ status: 200, handles: 0 });
			expect(['clean', 'undecided']).toContain(row.decision);
			expect(row.runs).toBeGreaterThanOrEqual(40);
		}
	});

	it('exits 2 with the message on an unknown flag, before starting anything', async () => {
		const { code, stdout, stderr } = await check('check', '--frobnicate');
		expect(code).toBe(2);
		expect(stdout).toBe('');
		expect(stderr).toBe(
			"heapwatch: Unknown option '--frobnicate'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--frobnicate\"\nRun heapwatch check --help for the options.\n"
		);
	});

	it('exits 2 when the app does not use heapwatch', async () => {
		const { code, stderr } = await check('check', '--root', path.resolve(playgroundDir, '../packages/overlay'));
		expect(code).toBe(2);
		expect(stderr).toContain(
			'heapwatch: heapwatch() is not in the plugins of ../packages/overlay/vite.config.ts (or it has enabled: false). Add it after sveltekit():'
		);
	});
});
