import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetainerCaptureStatus } from '@heapwatch/core';
import { playgroundDir, startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { fresh, get, heapwatchFetch, sleep } from '../../../../scripts/lib/traffic.ts';

const ROUTE = '/lab/unbounded-cache/[id]';
const ROUTE_FILE = 'src/routes/lab/unbounded-cache/[id]/+page.server.ts';
const capturePath = (route: string) => `/__heapwatch/retainers?route=${encodeURIComponent(route)}`;

let server: DevServer;
let started: { status: number; body: RetainerCaptureStatus };
let result: RetainerCaptureStatus;
const states: string[] = [];

beforeAll(async () => {
	server = await startDevServer();
	// Warm-up: the first requests evaluate the route's modules and compile code.
	for (let i = 0; i < 3; i++) expect(await get(server.url, fresh('/lab/unbounded-cache/{n}'))).toBe(200);
	const response = await heapwatchFetch(server.url, capturePath(ROUTE), { method: 'POST' });
	started = { status: response.status, body: (await response.json()) as RetainerCaptureStatus };
	for (let i = 0; i < 6; i++) expect(await get(server.url, fresh('/lab/unbounded-cache/{n}'))).toBe(200);
	for (let i = 0; i < 600; i++) {
		result = (await (await heapwatchFetch(server.url, capturePath(ROUTE))).json()) as RetainerCaptureStatus;
		states.push(result.state);
		if (result.state === 'done' || result.state === 'failed') break;
		await sleep(200);
	}
});

afterAll(async () => {
	await server?.stop();
	// Ours only: every capture of this file is of ROUTE (the last one may have written its first snapshot).
	const dir = path.join(playgroundDir, '.heapwatch');
	for (const file of existsSync(dir) ? readdirSync(dir) : []) {
		if (/-lab_unbounded-cache_id-(before|after)\.heapsnapshot$/.test(file)) rmSync(path.join(dir, file), { force: true });
	}
});

describe('retainer chain on demand, on a real dev server', () => {
	it('answers the POST at once with the cost of the snapshots, before taking any', () => {
		expect(started.status).toBe(202);
		expect(started.body).toMatchObject({ route: ROUTE, state: 'waiting', requestsNeeded: 5, snapshots: [] });
		expect(started.body.cost.snapshots).toBe(2);
		expect(started.body.cost.heapUsed).toBeGreaterThan(0);
		expect(started.body.cost.pauseMs).toBeGreaterThan(0);
		expect(started.body.message).toMatch(
			/^Taking 2 heap snapshots around 5 requests to \/lab\/unbounded-cache\/\[id\]\. Each pauses the dev server for about [\d.]+ m?s and writes about \d+ MB\.$/
		);
	});

	it('names the module-level cache variable and its file', () => {
		expect(result.state, result.message).toBe('done');
		expect(result.variable).toEqual({ name: 'globalCache', file: ROUTE_FILE, line: 4 });
		const at = result.path.findIndex((step) => step.edge === 'globalCache');
		expect(at).toBeGreaterThan(0);
		expect(result.path[at - 1]).toEqual({ edge: expect.any(String), node: 'system / Context', file: ROUTE_FILE });
		expect(result.message).toContain(`kept by \`globalCache\` in ${ROUTE_FILE}:4.`);
	});

	it('lists the objects that grew: the cached records first', () => {
		// 5+ requests of 2000 records each.
		expect(result.grown[0].name).toBe('Object');
		expect(result.grown[0].count).toBeGreaterThanOrEqual(5 * 2000);
	});

	it('writes both snapshots under .heapwatch/ and serves them for download', async () => {
		expect(result.snapshots).toHaveLength(2);
		expect(result.pauseMs).toHaveLength(2);
		for (const [index, file] of result.snapshots.entries()) {
			expect(file).toMatch(/^\.heapwatch\/[\w.-]+-(before|after)\.heapsnapshot$/);
			const absolute = path.join(playgroundDir, file);
			expect(existsSync(absolute)).toBe(true);
			expect(statSync(absolute).size).toBe(result.snapshotBytes[index]);
			const response = await heapwatchFetch(server.url, `/__heapwatch/snapshots/${path.basename(file)}`);
			expect(response.status).toBe(200);
			expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${path.basename(file)}"`);
			const body = Buffer.from(await response.arrayBuffer());
			expect(body.length).toBe(result.snapshotBytes[index]);
			expect(body.subarray(0, 13).toString()).toBe('{"snapshot":{');
		}
	});

	it('went through waiting and capturing, and says so in the terminal', () => {
		expect(states.at(-1)).toBe('done');
		const output = server.output();
		expect(output).toContain('[heapwatch] retainers of /lab/unbounded-cache/[id]: Taking 2 heap snapshots');
		expect(output).toMatch(/retainers of \/lab\/unbounded-cache\/\[id\]: Snapshot 1 of 2 taken \(paused [\d.]+ m?s\)\. Waiting for 5 requests/);
		expect(output).toContain('kept by `globalCache` in src/routes/lab/unbounded-cache/[id]/+page.server.ts:4.');
	});

	it('rejects bad and cross-site requests, and reports unknown captures', async () => {
		const missing = await heapwatchFetch(server.url, '/__heapwatch/retainers', { method: 'POST' });
		expect(missing.status).toBe(400);
		expect(await missing.json()).toEqual({ error: 'Missing ?route=<route id>, e.g. POST /__heapwatch/retainers?route=/blog/[slug]' });
		const other = await heapwatchFetch(server.url, capturePath('/lab/singleton'));
		expect(other.status).toBe(404);
		expect(((await other.json()) as { error: string }).error).toBe(
			'No capture for /lab/singleton. Start one with POST /__heapwatch/retainers?route=<route id>.'
		);
		const crossSite = await heapwatchFetch(server.url, capturePath(ROUTE), { method: 'POST', headers: { origin: 'https://evil.example' } });
		expect(crossSite.status).toBe(403);
		const escape = await heapwatchFetch(server.url, '/__heapwatch/snapshots/..%2Fpackage.json');
		expect(escape.status).toBe(404);
	});

	it('refuses a route that does not exist, and never prints what the request wrote', async () => {
		const forged = '/nowhere\n[heapwatch] all clear \u001b[2J';
		const refused = await heapwatchFetch(server.url, capturePath(forged), { method: 'POST' });
		expect(refused.status).toBe(404);
		expect(((await refused.json()) as { error: string }).error).toBe(
			`No route ${JSON.stringify(forged)} in src/routes. Use a route id as SvelteKit writes it, e.g. /blog/[slug].`
		);
		expect(server.output()).not.toContain('all clear');
		expect(server.output()).not.toContain('/nowhere');
	});

	it('runs one capture at a time', async () => {
		expect((await heapwatchFetch(server.url, capturePath(ROUTE), { method: 'POST' })).status).toBe(202);
		const second = await heapwatchFetch(server.url, capturePath('/lab/singleton'), { method: 'POST' });
		expect(second.status).toBe(409);
		expect(((await second.json()) as { error: string }).error).toMatch(
			/^A capture for \/lab\/unbounded-cache\/\[id\] is running \((waiting|capturing)\); one at a time\./
		);
	});

	it('keeps the snapshots out of git, and deletes them when the server closes', async () => {
		const dir = path.join(playgroundDir, '.heapwatch');
		expect(readFileSync(path.join(dir, '.gitignore'), 'utf8')).toMatch(/^\*$/m);
		// The capture the previous test started: its first snapshot is taken at once.
		let current: RetainerCaptureStatus | undefined;
		for (let i = 0; i < 100 && !current?.snapshots.length; i++, await sleep(100)) {
			current = (await (await heapwatchFetch(server.url, capturePath(ROUTE))).json()) as RetainerCaptureStatus;
		}
		const files = current!.snapshots.map((file) => path.join(playgroundDir, file));
		expect(files.length).toBeGreaterThan(0);
		expect(files.every((file) => existsSync(file))).toBe(true);
		await server.stop();
		expect(files.filter((file) => existsSync(file))).toEqual([]);
	});
});
