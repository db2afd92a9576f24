import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { playgroundDir } from '../../../../scripts/lib/dev-server.ts';

// `heapwatch check` aimed at a remote function by name (issue 13): the built CLI against the playground.
const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli/index.mjs');
const LEAKY = 'src/routes/lab/remote-cache/data.remote.ts';

async function check(...args: string[]) {
	const child = spawn(process.execPath, [cli, 'check', ...args], {
		cwd: playgroundDir,
		// The remote row's memory is placed by request markers: the experimental attributeAsyncAllocations.
		env: { ...process.env, NO_COLOR: '1', HEAPWATCH_ASYNC_ALLOCATIONS: '1' },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk) => (stdout += chunk));
	child.stderr.on('data', (chunk) => (stderr += chunk));
	const [code] = await once(child, 'exit');
	return { code: code as number, stdout, stderr };
}

describe('heapwatch check on a remote function', () => {
	it('calls it over HTTP by its name and file, and reports its own row as leaking', async () => {
		// Markers place a remote row's requests after its first 15, one profile read late: 40 runs.
		const { code, stdout, stderr } = await check('remote-cache/data.remote.ts#getReport', '--runs', '40', '--json');
		expect(stderr).toBe('');
		expect(code).toBe(1);
		const [row] = JSON.parse(stdout).rows;
		expect(row).toMatchObject({ route: `remote:${LEAKY}#getReport`, verdict: 'leak', status: 200, file: LEAKY });
		expect(row.retainedBytesPerRequest).toBeGreaterThan(2048);
	});

	it('exits 2 when the name is not unique, with the names to choose from', async () => {
		const { code, stderr } = await check('getReport');
		expect(code).toBe(2);
		expect(stderr).toContain(
			`heapwatch: getReport names 2 remote functions: ${LEAKY}#getReport, src/routes/lab/remote-nocache/data.remote.ts#getReport. Name one with its file: heapwatch check ${LEAKY}#getReport`
		);
	});
});
