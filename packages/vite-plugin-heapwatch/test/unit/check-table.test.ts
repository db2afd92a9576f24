import { describe, expect, it } from 'vitest';
import { formatTable } from '../../src/cli/reporters/table.ts';
import type { CheckResult, CheckRow } from '../../src/cli/results.ts';

const cleanRow: CheckRow = {
	url: '/products/{n}',
	method: 'GET',
	route: '/products/[id]',
	decision: 'clean',
	verdict: 'ok',
	status: 200,
	runs: 40,
	abandoned: 0,
	requests: 45,
	retainedBytesPerRequest: 300,
	standardError: 200,
	points: 8,
	externalBytesPerRequest: 0,
	handles: 0,
	handlesPerRequest: 0,
	firstFlaggedAt: null,
	topSource: null,
	file: 'src/routes/products/[id]/+page.server.ts',
	findings: []
};

const result = (unplaced: CheckResult['unplaced']): CheckResult => ({
	ok: true,
	rule: { threshold: 4096, z: 2, minRuns: 20, maxRuns: 120 },
	allowUndecided: false,
	rows: [cleanRow],
	findings: [],
	shared: [],
	fixed: [],
	unplaced
});

describe("check's table and the growth no target is given", () => {
	it('says it after the verdict, which it leaves alone', () => {
		const table = formatTable(result({ bytesPerRequest: 9_000, standardError: 1_000, requests: 240, verdict: 'leak', firstFlaggedAt: 220 }));
		const lines = table.split('\n');
		expect(lines.at(-2)).toBe('No new leaks: 1 route clean.');
		expect(lines.at(-1)).toBe(
			"Not gating: the heap grew ~8.8 KB per request over the last 240 requests that heapwatch could not place on any target (memory built outside route files, such as a library's or the dev server's own). A target flagged above may hold part of it."
		);
	});

	it('says nothing while it is not stated', () => {
		for (const unplaced of [null, { bytesPerRequest: 1_500, standardError: 900, requests: 240, verdict: 'ok' as const, firstFlaggedAt: null }]) {
			expect(formatTable(result(unplaced))).not.toContain('Not gating');
		}
	});
});
