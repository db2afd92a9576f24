import { describe, expect, it } from 'vitest';
import { heapwatch, type JsonRow } from './check-runner.ts';

// Three events, then the stream closes; no cancel(): only a client that leaves early leaves its timer running.
const SSE = '/lab/events-no-cancel';

describe('heapwatch check --abort', () => {
	it('finds nothing on a stream without cancel when every client reads it to the end', { timeout: 300_000 }, async () => {
		const { code, stdout } = await heapwatch('check', SSE, '--max-runs', '60', '--allow-undecided', '--json');
		expect(code).toBe(0);
		const [row] = JSON.parse(stdout).rows as (JsonRow & { handles: number; abandoned: number })[];
		expect(row.route).toBe(SSE);
		expect(row.decision).not.toBe('leak');
		expect(row.handles).toBe(0);
		expect(row.abandoned).toBe(0);
	});

	it('finds its timers left running, at their line, when clients abandon the stream', { timeout: 300_000 }, async () => {
		const { code, stdout } = await heapwatch('check', SSE, '--abort', '--max-runs', '60', '--json');
		expect(code).toBe(1);
		const [row] = JSON.parse(stdout).rows as (JsonRow & { handles: number; abandoned: number })[];
		expect(row.decision).toBe('leak');
		expect(row.abandoned).toBeGreaterThan(0);
		expect(row.handles).toBeGreaterThan(0);
		const handles = row.findings.find((f) => f.kind === 'handles');
		expect(handles).toMatchObject({ kind: 'handles', file: 'src/routes/lab/events-no-cancel/+server.ts' });
		expect(handles!.message).toMatch(
			/^\/lab\/events-no-cancel leaves \d+ Interval \(100 ms\) alive after its responses, created at src\/routes\/lab\/events-no-cancel\/\+server\.ts:\d+ \(\d+ requests read whole, \d+ abandoned mid-response or read slowly\)\.$/
		);
	});
});
