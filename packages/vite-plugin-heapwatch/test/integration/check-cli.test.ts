import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { playgroundDir } from '../../../../scripts/lib/dev-server.ts';

// The built CLI, as `npx heapwatch check` runs it, against the playground (SvelteKit 3 + Vite 8).
const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli/index.mjs');

async function check(...args: string[]) {
	const child = spawn(process.execPath, [cli, ...args], { cwd: playgroundDir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk) => (stdout += chunk));
	child.stderr.on('data', (chunk) => (stderr += chunk));
	const [code] = await once(child, 'exit');
	return { code: code as number, stdout, stderr };
}

describe('heapwatch check', () => {
	it('exits 1 and names the route that keeps memory, and the one that leaves timers', async () => {
		const { code, stdout } = await check('check', '/lab/unbounded-cache/{n}', '/lab/interval/{n}', '/lab/weakmap/{n}', '--runs', '20');
		expect(code).toBe(1);
		expect(stdout).toMatch(/^route +verdict +retained\/request +handles +top source$/m);
		expect(stdout).toMatch(/^\/lab\/unbounded-cache\/\[id\] +leak +\d+\.\d KB +0 +src\/lib\/lab\/payload\.ts:5 \(makeRecords\)$/m);
		expect(stdout).toMatch(/^\/lab\/interval\/\[id\] +handles .* src\/routes\/lab\/interval\/\[id\]\/\+page\.server\.ts:\d+$/m);
		expect(stdout).toMatch(/^\/lab\/weakmap\/\[id\] +ok /m);
		expect(stdout).toContain('2 of 3 leak: /lab/unbounded-cache/[id], /lab/interval/[id]');
	});

	it('exits 0 on clean routes and prints parseable JSON with --json', async () => {
		const { code, stdout } = await check('check', '/lab/weakmap/{n}', '/lab/big-transient/{n}', '/lab/singleton', '--runs', '20', '--json');
		expect(code).toBe(0);
		const result = JSON.parse(stdout);
		expect(result.ok).toBe(true);
		expect(result.rows.map((r: { route: string }) => r.route)).toEqual(['/lab/weakmap/[id]', '/lab/big-transient/[id]', '/lab/singleton']);
		for (const row of result.rows) {
			expect(row).toMatchObject({ verdict: 'ok', status: 200, handles: 0 });
			expect(row.requests).toBeGreaterThanOrEqual(20);
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
