import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { fresh, get, report, sleep } from '../../../../scripts/lib/traffic.ts';
import type { Report } from '../../src/index.ts';

// The second stack we support: SvelteKit 2 + Vite 7, where Kit loads server code through
// `vite.ssrLoadModule` and its generated hooks module is .svelte-kit/generated/server/internal.js.
// Runs under the workspace's Node 24, and again under the system's Node 20 where there is one (Kit 2's
// users are often there; the machines this project is built on ship it as /usr/bin/node).
const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/kit2-app');
const versionOf = (pkg: string) => JSON.parse(readFileSync(path.join(fixture, 'node_modules', pkg, 'package.json'), 'utf8')).version as string;

const SYSTEM_NODE = '/usr/bin/node';
const systemNodeVersion = existsSync(SYSTEM_NODE) ? execFileSync(SYSTEM_NODE, ['--version'], { encoding: 'utf8' }).trim() : '';
const nodes = [
	{ name: `Node ${process.version}`, path: process.execPath },
	...(systemNodeVersion.startsWith('v20.') ? [{ name: `Node ${systemNodeVersion}`, path: SYSTEM_NODE }] : [])
];

describe.each(nodes)('SvelteKit 2 + Vite 7 on $name', ({ path: node }) => {
	let server: DevServer;
	let final: Report;
	const route = (id: string) => final.routes.find((r) => r.id === id);

	beforeAll(async () => {
		server = await startDevServer({ cwd: fixture, node });
		for (let round = 0; round < 25; round++) {
			for (const href of ['/leaky/{n}', '/clean/{n}', '/api/items/{n}']) expect(await get(server.url, fresh(href))).toBe(200);
			await sleep(150);
		}
		await sleep(1500);
		final = await report(server.url);
	});

	afterAll(() => server?.stop());

	it('runs the pinned stack', () => {
		expect(versionOf('@sveltejs/kit')).toMatch(/^2\./);
		expect(versionOf('vite')).toMatch(/^7\./);
	});

	it('reads route ids through the generated hooks module, not by URL matching', () => {
		expect(route('/leaky/[id]')?.requests).toBe(25);
		expect(route('/clean/[id]')?.requests).toBe(25);
		expect(route('/api/items/[id]')?.requests).toBe(25);
		expect(server.output()).not.toContain("could not find SvelteKit's generated hooks module");
	});

	it('flags the leaky route and names the allocating function and line', () => {
		const leaky = route('/leaky/[id]')!;
		expect(leaky.verdict).toBe('leak');
		expect(leaky.retainedBytesPerRequest).toBeGreaterThan(50 * 1024);
		expect(leaky.sources[0]).toMatchObject({ file: 'src/routes/leaky/[id]/+page.server.js', line: 4, function: 'makeRecords' });
		expect(server.output()).toMatch(/\[heapwatch\] \/leaky\/\[id\] retains ~\d+\.\d KB per request/);
	});

	it('keeps the clean page and the endpoint at ok', () => {
		expect(route('/clean/[id]')?.verdict).toBe('ok');
		expect(route('/api/items/[id]')?.verdict).toBe('ok');
		expect(route('/clean/[id]')?.firstFlaggedAt).toBeNull();
	});
});
