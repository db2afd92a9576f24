import { describe, expect, it } from 'vitest';
import { heapwatchWithEnv } from './check-runner.ts';

// `heapwatch check` aimed at a remote function by name (issue 13): the built CLI against the playground.
const LEAKY = 'src/routes/lab/remote-cache/data.remote.ts';

/** The remote row's memory is placed by request markers: the experimental attributeAsyncAllocations. */
const check = (...args: string[]) => heapwatchWithEnv({ HEAPWATCH_ASYNC_ALLOCATIONS: '1' }, 'check', ...args);

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
