import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { heapwatch } from './check-runner.ts';

const out = mkdtempSync(path.join(tmpdir(), 'heapwatch-baseline-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Entry {
	route: string | null;
	kind: string;
	file: string | null;
	bytesPerRequest: number | null;
}

describe('heapwatch check --baseline', () => {
	const file = path.join(out, 'heapwatch-baseline.json');

	it('--update-baseline writes the findings of the run and exits 0, leaving stdout to the report', async () => {
		const args = ['/lab/unbounded-cache/{n}', '/lab/interval/{n}', '--baseline', file, '--update-baseline', '--reporter', 'json'];
		const { code, stdout, stderr } = await heapwatch('check', ...args);
		expect(code).toBe(0);
		expect(stderr).toMatch(/^Baseline .*heapwatch-baseline\.json written: \d+ findings accepted\.$/m);
		expect(JSON.parse(stdout)).toHaveProperty('rows');
		const baseline = JSON.parse(readFileSync(file, 'utf8')) as { version: number; findings: Entry[] };
		expect(baseline.version).toBe(1);
		expect(baseline.findings).toContainEqual({
			route: '/lab/unbounded-cache/[id]',
			kind: 'kept-by',
			file: 'src/routes/lab/unbounded-cache/[id]/+page.server.ts',
			bytesPerRequest: null
		});
		expect(baseline.findings).toContainEqual(expect.objectContaining({ route: '/lab/interval/[id]', kind: 'handles' }));
	});

	it('accepts the known leaks, fails on a new one, and reports a fixed one', { timeout: 300_000 }, async () => {
		const baseline = JSON.parse(readFileSync(file, 'utf8')) as { version: 1; findings: Entry[] };
		// As if /lab/weakmap had kept its entries in a module-level Map when the baseline was written: that
		// is counted, so it is fixed once the route ran min-runs requests without it. And as if /lab/singleton
		// had kept memory: an estimate, fixed only if the route ends clean.
		const counted: Entry = { route: '/lab/weakmap/[id]', kind: 'kept-by', file: 'src/routes/lab/weakmap/[id]/+page.server.ts', bytesPerRequest: null };
		const estimated: Entry = { route: '/lab/singleton', kind: 'heap', file: 'src/routes/lab/singleton/+page.server.ts', bytesPerRequest: 8192 };
		baseline.findings.push(counted, estimated);
		writeFileSync(file, JSON.stringify(baseline));
		// Without /lab/interval here: the timers it leaves keep allocating, and a clean route checked beside
		// them can read as keeping memory (heapwatch's regression has no term for time). Two clean routes:
		// once the leaks are decided, a route requested alone takes all of the dev server's own growth.
		const { code, stdout } = await heapwatch(
			'check',
			'/lab/unbounded-cache/{n}',
			'/lab/small-cache/{n}',
			'/lab/singleton',
			'/lab/weakmap/{n}',
			'--baseline',
			file,
			'--allow-undecided',
			'--json'
		);
		expect(code).toBe(1);
		const result = JSON.parse(stdout);
		const row = (route: string) => result.rows.find((r: { route: string }) => r.route === route);
		expect(row('/lab/unbounded-cache/[id]').decision).toBe('leak');
		for (const finding of row('/lab/unbounded-cache/[id]').findings) expect([finding.kind, finding.baseline]).toEqual([finding.kind, 'accepted']);
		expect(row('/lab/small-cache/[id]').decision).toBe('leak');
		expect(row('/lab/small-cache/[id]').findings.map((f: { baseline: string }) => f.baseline)).toContain('new');
		expect(row('/lab/singleton').decision).not.toBe('leak');
		expect(result.fixed).toEqual(row('/lab/singleton').decision === 'clean' ? [counted, estimated] : [counted]);
	});

	it('says so in the table: only the new leak fails, the fixed one is named', async () => {
		const { code, stdout } = await heapwatch(
			'check',
			'/lab/unbounded-cache/{n}',
			'/lab/small-cache/{n}',
			'/lab/weakmap/{n}',
			'--runs',
			'20',
			'--baseline',
			file
		);
		expect(code).toBe(1);
		expect(stdout).toContain('1 of 3 leak: /lab/small-cache/[id]');
		expect(stdout).toMatch(/^Fixed since the baseline: kept-by \/lab\/weakmap\/\[id\]\. Drop them with --update-baseline\.$/m);
		expect(stdout).toMatch(/^kept-by \(accepted by the baseline\): \/lab\/unbounded-cache\/\[id\]/m);
		expect(stdout).toMatch(/^kept-by \(new\): \/lab\/small-cache\/\[id\]/m);
	});

	it('exits 2 on a baseline it cannot read, with the fix, before starting anything', async () => {
		const { code, stderr } = await heapwatch('check', '/lab/singleton', '--baseline', path.join(out, 'missing.json'));
		expect(code).toBe(2);
		expect(stderr).toBe(
			`heapwatch: Cannot read the baseline ${path.join(out, 'missing.json')}. Write it with heapwatch check --baseline ${path.join(out, 'missing.json')} --update-baseline.\n`
		);
	});
});
