import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgroundLineOf, startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { browse, fresh, get } from '../../../../scripts/lib/traffic.ts';
import type { Report } from '../../src/index.ts';

const LEAKY = '/lab/process-listeners/{n}';
const CLEAN = '/lab/process-once/{n}';
const FILE = 'src/routes/lab/process-listeners/[id]/+page.server.ts';
const idOf = (href: string) => href.replace('{n}', '[id]');
let server: DevServer;
let final: Report;

beforeAll(async () => {
	server = await startDevServer();
	// Two routes a round: longer pauses than the other tests, so that post-GC samples come as often.
	final = await browse(server.url, { rounds: 40, pauseMs: 300 }, async () => {
		for (const href of [LEAKY, CLEAN]) expect(await get(server.url, fresh(href))).toBe(200);
	});
});

afterAll(() => server?.stop());

describe('listeners added to process per request (kit#13443)', () => {
	it('reports them like a leak, with the line that adds them', () => {
		const route = final.routes.find((r) => r.id === idOf(LEAKY))!;
		expect(route.verdict).toBe('leak');
		expect(route.keptBy?.[0]).toMatchObject({
			name: "process.on('uncaughtException')",
			kind: 'EventEmitter',
			file: FILE,
			line: playgroundLineOf(FILE, "process.on('uncaughtException'"),
			entriesPerRequest: 1,
			unbounded: true
		});
		expect(server.output()).toContain(`  kept by EventEmitter "process.on('uncaughtException')" (+1 listener per request, `);
	});

	it('leaves the twin that adds them with once and removes them at ok', () => {
		const route = final.routes.find((r) => r.id === idOf(CLEAN))!;
		expect(route.verdict).toBe('ok');
		expect(route.firstFlaggedAt).toBeNull();
		expect(route.keptBy).toEqual([]);
	});
});
