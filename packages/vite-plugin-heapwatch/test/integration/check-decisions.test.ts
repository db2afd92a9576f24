import { describe, expect, it } from 'vitest';
import { heapwatch, type JsonRow } from './check-runner.ts';

const byRoute = (rows: JsonRow[]) => Object.fromEntries(rows.map((row) => [row.route, row]));

describe('heapwatch check decides leak, clean or undecided', () => {
	it('ends a ~4.5 KB/request leak as leak, a ~3 KB one never clean, and clean routes clean early; exit 1', { timeout: 300_000 }, async () => {
		const { code, stdout, stderr } = await heapwatch('check', '/lab/small-cache/{n}', '/lab/drip/{n}', '/lab/weakmap/{n}', '/lab/singleton', '--json');
		expect(stderr).toBe('');
		expect(code).toBe(1);
		const result = JSON.parse(stdout);
		const decisions = JSON.stringify(result.rows.map((r: JsonRow) => [r.route, r.decision, r.runs, r.retainedBytesPerRequest, r.standardError]));
		expect(result.ok).toBe(false);
		expect(result.rule).toEqual({ threshold: 2048, z: 2, minRuns: 40, maxRuns: 300 });
		const rows = byRoute(result.rows);
		expect(rows['/lab/small-cache/[id]'].decision).toBe('leak');
		expect(rows['/lab/small-cache/[id]'].findings.map((f) => f.kind)).toContain('kept-by');
		expect(rows['/lab/drip/[id]'].decision).not.toBe('clean');
		for (const clean of ['/lab/weakmap/[id]', '/lab/singleton']) {
			expect(rows[clean].decision, decisions).toBe('clean');
			expect(rows[clean].runs).toBeGreaterThanOrEqual(40);
			// Early: before the maximum, with the error bar below the threshold (40-60 in a full lab check; with
			// three other targets and Student's t on few points, up to 200 in a CI run).
			expect(rows[clean].runs).toBeLessThan(300);
			expect(rows[clean].retainedBytesPerRequest + 2 * rows[clean].standardError!).toBeLessThan(2048);
			expect(rows[clean].findings).toEqual([]);
		}
	});

	it('exits 1 on an undecided route and says how to decide it; 0 with --allow-undecided', async () => {
		// One window of requests (20) never decides: a trend starts one window into the measured requests.
		const strict = await heapwatch('check', '/lab/weakmap/{n}', '--runs', '20');
		expect(strict.code).toBe(1);
		expect(strict.stdout).toMatch(/^\/lab\/weakmap\/\[id\] +undecided +no estimate +20 +0 /m);
		expect(strict.stdout).toContain('Undecided after 20 requests: /lab/weakmap/[id]. Raise --max-runs to decide, or pass --allow-undecided.');
		expect(strict.stdout).toMatch(
			/^undecided: \/lab\/weakmap\/\[id\] has no trend to decide on after 20 requests \(it needs 4 post-GC samples, from one window into the measured requests\)\. Raise --max-runs \(now 20\)/m
		);

		const allowed = await heapwatch('check', '/lab/weakmap/{n}', '--runs', '20', '--allow-undecided');
		expect(allowed.code).toBe(0);
		expect(allowed.stdout).toContain('Undecided after 20 requests (allowed by --allow-undecided): /lab/weakmap/[id]');
	});

	it('exits 2 on contradictory flags, before starting anything', async () => {
		const { code, stdout, stderr } = await heapwatch('check', '--runs', '20', '--max-runs', '40');
		expect(code).toBe(2);
		expect(stdout).toBe('');
		expect(stderr).toBe('heapwatch: --runs sets an exact number of requests: give either --runs, or --min-runs and --max-runs.\n');
	});
});
