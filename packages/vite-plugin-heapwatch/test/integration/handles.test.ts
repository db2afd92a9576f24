import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgroundDir, startDevServer, type DevServer, playgroundLineOf } from '../../../../scripts/lib/dev-server.ts';
import { fresh, get, sleep, reportWhen } from '../../../../scripts/lib/traffic.ts';
import type { Report } from '../../src/index.ts';

const ROUNDS = 6;
const ROUTES = ['/lab/interval/{n}', '/lab/long-timeout/{n}', '/lab/cleared-timer/{n}', '/lab/ticker', '/lab/singleton', '/lab/weakmap/{n}'];
const idOf = (href: string) => href.replace('{n}', '[id]');

const INTERVAL_FILE = 'src/routes/lab/interval/[id]/+page.server.ts';
const TIMEOUT_FILE = 'src/routes/lab/long-timeout/[id]/+page.server.ts';
const TICKER_FILE = 'src/lib/lab/ticker.ts';

let server: DevServer;
let final: Report;
const route = (report: Report, href: string) => report.routes.find((r) => r.id === idOf(href))!;

beforeAll(async () => {
	server = await startDevServer();
	for (let round = 0; round < ROUNDS; round++) {
		for (const href of ROUTES) expect(await get(server.url, fresh(href))).toBe(200);
		await sleep(150);
	}
	// Every request's grace period (1 s by default) is over once the last interval route counts all of them.
	final = await reportWhen(server.url, (r) => route(r, '/lab/interval/{n}')?.handles === ROUNDS && route(r, '/lab/long-timeout/{n}')?.handles === ROUNDS);
});

afterAll(() => server?.stop());

describe('handles left behind by requests, on a real dev server', () => {
	it('flags setInterval in load on the first requests, with its file:line and period', () => {
		const r = route(final, '/lab/interval/{n}');
		expect(r.handleVerdict).toBe('leak');
		expect(r.handlesFlaggedAt).toBeLessThanOrEqual(4);
		expect(r.handles).toBe(ROUNDS);
		expect(r.handlesPerRequest).toBe(1);
		expect(r.handleSites).toEqual([
			{ type: 'Interval', delayMs: 1000, file: INTERVAL_FILE, line: playgroundLineOf(INTERVAL_FILE, 'setInterval('), count: ROUNDS }
		]);
		// It keeps little heap per request: a handle leak, not a memory verdict.
		expect(r.verdict).not.toBe('leak');
	});

	it('flags an hour-long setTimeout holding data', () => {
		const r = route(final, '/lab/long-timeout/{n}');
		expect(r.handleVerdict).toBe('leak');
		expect(r.handlesFlaggedAt).toBeLessThanOrEqual(4);
		expect(r.handleSites).toEqual([
			{ type: 'Timeout', delayMs: 3_600_000, file: TIMEOUT_FILE, line: playgroundLineOf(TIMEOUT_FILE, 'setTimeout('), count: ROUNDS }
		]);
	});

	it('does not flag an awaited sleep(5) or an interval that clears itself', () => {
		const r = route(final, '/lab/cleared-timer/{n}');
		expect(r).toMatchObject({ handles: 0, handleSites: [], handleVerdict: 'ok', handlesFlaggedAt: null });
	});

	it("shows none of Vite's or Kit's own timers and handles in any route", () => {
		for (const r of final.routes) {
			for (const site of r.handleSites) expect(site.file).toMatch(/^src\//);
		}
		const quiet = ['/lab/singleton', '/lab/weakmap/{n}', '/lab/cleared-timer/{n}'];
		for (const href of quiet) expect(route(final, href).handles, href).toBe(0);
		// The module-level heartbeat is one interval for the whole module: counted, never flagged.
		expect(route(final, '/lab/ticker')).toMatchObject({ handles: 1, handleVerdict: 'ok', handleSites: [{ type: 'Interval', file: TICKER_FILE, count: 1 }] });
	});

	it('warns once per route in the terminal: how many per request, of what kind, created where', () => {
		const output = server.output();
		const warnings = server.linesWith('[heapwatch]', 'live handle(s) per request');
		expect(warnings).toHaveLength(2);
		expect(output).toMatch(
			new RegExp(
				String.raw`\[heapwatch\] /lab/interval/\[id\] leaves ~1\.0 live handle\(s\) per request after its response \(\d+ alive now\):\n` +
					String.raw` {2}\d+ x setInterval every 1000 ms created at src/routes/lab/interval/\[id\]/\+page\.server\.ts:${playgroundLineOf(INTERVAL_FILE, 'setInterval(')}\n` +
					String.raw` {2}Each one keeps running and keeps what its callback references`
			)
		);
		expect(output).toMatch(
			/\/lab\/long-timeout\/\[id\] leaves ~1\.0 live handle\(s\) per request[^\n]*\n {2}\d+ x setTimeout of 3600000 ms created at src\/routes\/lab\/long-timeout\/\[id\]\/\+page\.server\.ts:\d+/
		);
		expect(output).not.toMatch(/cleared-timer[^\n]*live handle/);
	});

	it('reports the interval of a module instance replaced by an HMR edit as stale', async () => {
		const file = path.join(playgroundDir, TICKER_FILE);
		const original = readFileSync(file, 'utf8');
		const line = playgroundLineOf(TICKER_FILE, 'setInterval(');
		try {
			writeFileSync(file, `${original}\n// edited by a test\n`);
			const afterEdit = await reportWhen(server.url, (r) => r.staleHandles.length > 0);
			expect(afterEdit.staleHandles).toEqual([
				{ type: 'Interval', delayMs: 1000, file: TICKER_FILE, line, count: 1, route: '/lab/ticker', epoch: afterEdit.epoch }
			]);
			expect(server.output()).toContain(
				'1 handle(s) created by server modules that your edit replaced are still alive (Vite and SvelteKit never dispose old module instances):\n' +
					`  1 x setInterval every 1000 ms created at ${TICKER_FILE}:${line}`
			);
			// The next request evaluates a new instance: its interval is the route's again, the old one stays stale.
			expect(await get(server.url, '/lab/ticker')).toBe(200);
			const later = await reportWhen(server.url, (r) => route(r, '/lab/ticker').handles === 1);
			expect(route(later, '/lab/ticker').handles).toBe(1);
			expect(later.staleHandles).toHaveLength(1);
			expect(later.staleHandles[0].count).toBe(1);
		} finally {
			writeFileSync(file, original);
		}
	});
});
