import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgroundDir, playgroundLineOf, startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { browse, fresh, get, report, sleep } from '../../../../scripts/lib/traffic.ts';
import type { Report } from '../../src/index.ts';

let server: DevServer;
let final: Report;
const route = (id: string) => final.routes.find((r) => r.id === id)!;
const LEAKY = ['/lab/unbounded-cache/{n}', '/lab/global-store/{n}', '/lab/buffer-cache/{n}'];
const CLEAN = ['/lab/weakmap/{n}', '/lab/big-transient/{n}', '/lab/singleton', '/lab/locals/{n}'];
const idOf = (href: string) => href.replace('{n}', '[id]');

beforeAll(async () => {
	server = await startDevServer();
	// Browsing: every route once per round, with pauses in which heapwatch takes its post-GC samples.
	final = await browse(server.url, { rounds: 30, pauseMs: 120 }, async () => {
		for (const href of [...LEAKY, ...CLEAN]) expect(await get(server.url, fresh(href))).toBe(200);
	});
});

afterAll(() => server?.stop());

describe('leak verdicts on a real dev server', () => {
	it.each(LEAKY)('flags %s as leak with the bytes it keeps per request', (href) => {
		const r = route(idOf(href));
		expect(r.verdict).toBe('leak');
		expect(r.retainedBytesPerRequest).toBeGreaterThan(20 * 1024);
		// Heap leaks are placed by allocation sampling within a few samples; Buffers (outside the V8
		// heap) by regression over intervals, which needs more of them.
		expect(r.firstFlaggedAt).toBeLessThanOrEqual(href.includes('buffer') ? 40 : 20);
	});

	it("names the function that allocates what a route keeps, in the app's own code", () => {
		// V8 samples allocations per function: the line is where the allocating function starts.
		expect(route('/lab/unbounded-cache/[id]').sources[0]).toMatchObject({ file: 'src/lib/lab/payload.ts', line: 5, function: 'makeRecords' });
		const store = route('/lab/global-store/[id]').sources[0];
		const storeFile = 'src/routes/lab/global-store/[id]/+page.server.ts';
		expect(store).toMatchObject({ file: storeFile, line: playgroundLineOf(storeFile, '(_, i) =>') });
		expect(store.bytesPerRequest).toBeGreaterThan(20 * 1024);
	});

	it.each(CLEAN)('keeps %s at ok', (href) => {
		expect(route(idOf(href)).verdict).toBe('ok');
		expect(route(idOf(href)).firstFlaggedAt).toBeNull();
	});

	it('says so once per leaking route in the terminal, with the route file', () => {
		const output = server.output();
		const warnings = server.linesWith('[heapwatch]', 'retains ~');
		expect(warnings).toHaveLength(LEAKY.length);
		expect(output).toMatch(
			/\[heapwatch\] \/lab\/unbounded-cache\/\[id\] retains ~\d+\.\d KB per request \(estimated over its last \d+ requests, after GC\)\.\n( {2}kept by [^\n]*\n)? {2}route file: src\/routes\/lab\/unbounded-cache\/\[id\]\/\+page\.server\.ts/
		);
		expect(output).toMatch(/\/lab\/buffer-cache\/\[id\] retains[^\n]*(\n {2}[^\n]*)*?\n {2}Most of it is outside the JS heap/);
		expect(output).toMatch(
			/unbounded-cache\/\[id\]\/\+page\.server\.ts\n {2}allocated in makeRecords, src\/lib\/lab\/payload\.ts:5 \(~\d+\.\d KB per request\)/
		);
		for (const href of CLEAN) expect(output).not.toContain(`${idOf(href)} retains`);
	});

	it('starts a new measurement epoch when server code is edited', async () => {
		const file = path.join(playgroundDir, 'src/routes/lab/singleton/+page.server.ts');
		const original = readFileSync(file, 'utf8');
		try {
			expect(await get(server.url, '/lab/singleton')).toBe(200);
			writeFileSync(file, `${original}\n// edited by a test\n`);
			let epoch = 0;
			for (let i = 0; i < 50 && epoch === 0; i++) {
				await sleep(100);
				epoch = (await report(server.url)).epoch;
			}
			expect(epoch).toBeGreaterThanOrEqual(1);
		} finally {
			writeFileSync(file, original);
		}
	});
});
