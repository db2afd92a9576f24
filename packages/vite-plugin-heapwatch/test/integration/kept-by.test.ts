import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgroundDir, playgroundLineOf, startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { fresh, get, report, sleep } from '../../../../scripts/lib/traffic.ts';
import type { Report } from '../../src/index.ts';
import type { KeptBy } from '@heapwatch/core';

/** Leaky lab routes whose keeper is a binding at module scope: [href, name, kind, text of the declaration line, its file if not the route's own]. */
const KEPT = [
	['/lab/unbounded-cache/{n}', 'globalCache', 'Object', 'const globalCache'],
	['/lab/small-cache/{n}', 'byId', 'Map', 'const byId'],
	['/lab/promise-map/{n}', 'pending', 'Map', 'const pending'],
	['/lab/listeners/{n}', 'priceUpdates', 'EventEmitter', 'const priceUpdates'],
	['/lab/buffer-cache/{n}', 'thumbnails', 'Map', 'const thumbnails'],
	['/lab/unbounded-20k/{n}', 'byId', 'Map', 'const byId'],
	['/lab/visit-log/{n}', 'visits', 'Set', 'const visits'],
	// A #lib helper's memo: the module's one importer is this route's +page.server.ts.
	['/lab/lib-cache/{n}', 'historyById', 'Map', 'const historyById', 'src/lib/lab/price-history.ts'],
	// A remote function's module, beside the page that calls it.
	['/lab/remote-cache/{n}', 'reports', 'Map', 'const reports', 'src/routes/lab/remote-cache/data.remote.ts'],
	// event.fetch bodies: built in undici, with no stack of the route's file, kept by the route's array.
	['/lab/kept-fetch/{n}', 'bodies', 'Array', 'const bodies', 'src/routes/lab/kept-fetch/[id]/+server.ts']
] as const;
/** Leaks kept where module scope does not show it (a Svelte store keeps its value in a closure). */
const KEPT_ELSEWHERE = ['/lab/global-store/{n}'];
/** Bounded caches, a memo over 5 keys, a lazy singleton, per-request data: never flagged, not even while they fill. */
const CLEAN = [
	'/lab/lru-25/{n}',
	'/lab/lru-cache/{n}',
	'/lab/locale-memo/{n}',
	'/lab/singleton',
	'/lab/weakmap/{n}',
	'/lab/user-locals/{n}',
	'/lab/hit-counter'
];
const ROUNDS = 45;

const idOf = (href: string) => href.replace('{n}', '[id]');
const fileOf = (href: string, file?: string) => file ?? `src/routes${idOf(href)}/+page.server.ts`;
let server: DevServer;
let final: Report;
const route = (href: string) => final.routes.find((r) => r.id === idOf(href))!;

beforeAll(async () => {
	server = await startDevServer();
	// Browsing: every route once per round, with pauses in which heapwatch takes its post-GC samples.
	for (let round = 0; round < ROUNDS; round++) {
		for (const href of [...KEPT.map(([href]) => href), ...KEPT_ELSEWHERE, ...CLEAN]) expect(await get(server.url, fresh(href))).toBe(200);
		await sleep(120);
	}
	await sleep(1500);
	final = await report(server.url);
});

afterAll(() => server?.stop());

describe('kept by: the module-scope variable that keeps what a route leaks', () => {
	it.each(KEPT)("names %s's keeper: %s (%s) at its declaration line", (href, name, kind, declaration, own?: string) => {
		const r = route(href);
		expect(r.verdict).toBe('leak');
		const file = fileOf(href, own);
		expect(r.keptBy?.[0]).toMatchObject({ name, kind, file, line: playgroundLineOf(file, declaration), unbounded: true });
		expect(r.keptBy![0].entriesPerRequest).toBeCloseTo(1, 1);
		// Most requests: an instance Vite re-evaluates (dependency optimization) starts its collections over.
		expect(r.keptBy![0].entries).toBeGreaterThanOrEqual(ROUNDS / 2);
	});

	it('flags the tiny leak (one ~300-byte line per request) by its entry count, within 200 requests', () => {
		const r = route('/lab/visit-log/{n}');
		expect(r.verdict).toBe('leak');
		expect(r.firstFlaggedAt).not.toBeNull();
		expect(r.firstFlaggedAt!).toBeLessThanOrEqual(200);
	});

	it.each(CLEAN)('never flags %s', (href) => {
		expect(route(href).firstFlaggedAt).toBeNull();
		expect(route(href).verdict).toBe('ok');
	});

	it("says in the terminal what keeps each leak, on the warning's second line", () => {
		const output = server.output();
		for (const [href, name, kind, declaration, own] of KEPT) {
			const file = fileOf(href, own);
			const where = `${file}:${playgroundLineOf(file, declaration)}`;
			expect(output).toContain(`  kept by ${kind} "${name}" (+1 ${kind === 'EventEmitter' ? 'listener' : 'entry'} per request, `);
			expect(output).toContain(` now) at ${where}`);
		}
		expect(output).toMatch(/\/lab\/visit-log\/\[id\] (adds to a module-level Set on every request|retains ~)/);
		const file = fileOf('/lab/unbounded-cache/{n}');
		expect(output).toContain(`[heapwatch] /lab/unbounded-cache/[id] retains ~`);
		expect(output).toMatch(
			new RegExp(
				`/lab/unbounded-cache/\\[id\\] retains ~[^\\n]*\\n  kept by Object "globalCache" \\(\\+1 entry per request, \\d+ now\\) at ${escape(file)}:${playgroundLineOf(file, 'const globalCache')}\\n  route file: ${escape(file)}\\n  allocated in makeRecords`
			)
		);
	});

	// Last: it edits a module, which starts every trend of this server over.
	it('follows an edit of the module that keeps it: the new instance from its new line, the old one dropped', async () => {
		const [href, name, kind, declaration, file] = KEPT.find(([href]) => href === '/lab/lib-cache/{n}')!;
		const before = route(href).keptBy![0];
		const line = playgroundLineOf(file!, declaration);
		expect(before.line).toBe(line);
		const onDisk = path.join(playgroundDir, file!);
		const original = readFileSync(onDisk, 'utf8');
		try {
			writeFileSync(onDisk, `// edited by a test\n${original}`);
			// Until the new instance is named (30 requests alone, 60 more on a loaded machine, where samples come later).
			let sent = 0;
			let after: KeptBy[] = [];
			while (sent < 90) {
				for (let i = 0; i < 10; i++, sent++) {
					expect(await get(server.url, fresh(href))).toBe(200);
					await sleep(120);
				}
				if (sent < 30) continue;
				await sleep(1500);
				after = (await report(server.url)).routes.find((r) => r.id === idOf(href))!.keptBy!;
				if (after[0]?.line === line + 1 && after[0].unbounded) break;
			}
			expect(after, `after ${sent} requests`).toHaveLength(1);
			expect(after[0]).toMatchObject({ name, kind, file, line: line + 1, unbounded: true });
			// Counted on the new instance alone (Vite keeps the old one alive, never disposed).
			expect(after[0].entries).toBeLessThanOrEqual(sent);
			expect(before.entries).toBeGreaterThan(30);
		} finally {
			writeFileSync(onDisk, original);
		}
	});

	it('says so where nothing at module scope grows, and points to the retainer capture', () => {
		const r = route(KEPT_ELSEWHERE[0]);
		expect(r.verdict).toBe('leak');
		expect(r.keptBy).toEqual([]);
		expect(server.output()).toContain('Nothing at module scope grows with it');
		expect(server.output()).toContain(`GET /__heapwatch/retainers?route=${encodeURIComponent(idOf(KEPT_ELSEWHERE[0]))}`);
	});
});

/** A literal for a RegExp. */
function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
