import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgroundDir, startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { browse, fresh, get, postForm } from '../../../../scripts/lib/traffic.ts';
import type { Report } from '../../src/index.ts';

let server: DevServer;
let final: Report;
const CLEAN = ['/lab/weakmap/{n}', '/lab/locals/{n}', '/lab/singleton', '/lab/big-transient/{n}'];

beforeAll(async () => {
	server = await startDevServer();
	// The lab's switch: hooks.server handle starts keeping every request in an array.
	expect(await postForm(server.url, '/lab/request-log?/toggle')).toBe(200);
	final = await browse(server.url, { rounds: 30, pauseMs: 100 }, async () => {
		for (const href of CLEAN) expect(await get(server.url, fresh(href))).toBe(200);
	});
});

afterAll(() => server?.stop());

describe('code that runs under every route', () => {
	it('reports the request log in hooks.server handle once, on its own file', () => {
		const hooks = final.findings.find((finding) => finding.file === 'src/hooks.server.ts');
		expect(hooks).toMatchObject({ kind: 'hooks', verdict: 'leak' });
		expect(hooks!.retainedBytesPerRequest).toBeGreaterThan(2048);
		// V8 samples per function: the innermost one here is the arrow that builds the trail.
		const hooksSource = readFileSync(path.join(playgroundDir, 'src/hooks.server.ts'), 'utf8').split('\n');
		const trailLine = hooksSource.findIndex((line) => line.includes('trail: Array.from')) + 1;
		expect(hooks!.sources[0]).toMatchObject({ file: 'src/hooks.server.ts', line: trailLine });
		const warnings = server.linesWith('src/hooks.server.ts retains ~');
		expect(warnings).toHaveLength(1);
		expect(server.output()).toMatch(/src\/hooks\.server\.ts retains ~\d+\.\d KB per request, on every request/);
	});

	it('does not blame the routes it runs under', () => {
		for (const href of CLEAN) {
			const route = final.routes.find((r) => r.id === href.replace('{n}', '[id]'))!;
			expect(route.verdict, route.id!).toBe('ok');
			expect(server.output()).not.toContain(`${route.id} retains`);
		}
	});
});
