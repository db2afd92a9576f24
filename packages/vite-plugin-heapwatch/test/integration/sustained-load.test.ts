import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lab } from '../../../../playground/src/lib/lab/catalog.ts';
import { startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { fresh, get, report, sleep } from '../../../../scripts/lib/traffic.ts';

// A load test against the dev server: heapwatch's load governor steps back after six seconds of it,
// and returns once traffic is back to a person's pace.
const clean = lab.filter((entry) => entry.leaks === false).map((entry) => entry.href);
const SUSTAINED = 'sustained load: sampling allocations every 1024 KB';
const CALMED = 'traffic calmed down: sampling allocations every 16 KB';

let server: DevServer;

/** Four keep-alive clients on the clean routes until `done()` (or the time limit). */
async function loadUntil(done: () => boolean, limitMs: number) {
	const until = Date.now() + limitMs;
	let next = 0;
	const client = async () => {
		while (!done() && Date.now() < until) expect(await get(server.url, fresh(clean[next++ % clean.length]))).toBe(200);
	};
	await Promise.all(Array.from({ length: 4 }, client));
}

beforeAll(async () => {
	server = await startDevServer();
});

afterAll(() => server?.stop());

describe('under sustained load', () => {
	it('says in the terminal that it samples coarsely, and stops reading per-request memory', async () => {
		await loadUntil(() => server.output().includes(SUSTAINED), 30_000);
		expect(server.output()).toContain(`${SUSTAINED} and watching the timers and handles of one request in ten`);
		// Requests after the switch: their figures are not read.
		await loadUntil(() => false, 1000);
		const routes = (await report(server.url)).routes.filter((route) => clean.some((href) => route.id && href.startsWith(route.id.split('[')[0])));
		expect(routes.length).toBeGreaterThan(3);
		for (const route of routes) expect(route.last).toMatchObject({ status: 200, heapDeltaBytes: null, externalDeltaBytes: null, arrayBuffersDeltaBytes: null });
	}, 45_000);

	it('takes busy samples 3x less often once every loaded route is ok, and at once faster for a new route', async () => {
		let sampling = (await report(server.url)).sampling;
		expect(sampling).toMatchObject({ underLoad: true, allocationIntervalBytes: 1024 * 1024 });
		let settled = false;
		const poll = setInterval(async () => {
			sampling = (await report(server.url)).sampling;
			settled ||= sampling.busySampleAfterMs === 13_500;
		}, 250);
		try {
			await loadUntil(() => settled, 25_000);
		} finally {
			clearInterval(poll);
		}
		expect(settled).toBe(true);
		// A route never seen before is warming: the faster rate is back with its first request.
		expect(await get(server.url, fresh('/lab/unbounded-cache/{n}'))).toBe(200);
		expect((await report(server.url)).sampling).toEqual({
			underLoad: true,
			allocationIntervalBytes: 1024 * 1024,
			busySampleAfterMs: 4500,
			quietSpellsOnly: false
		});
	}, 45_000);

	it("goes back to fine sampling and per-request figures at a person's pace", async () => {
		// A request every ~1.2 s: each post-GC sample sees under 20 requests/s; three in a row calm it.
		// Samples come at most as often as heapwatch's GC budget allows (3% of wall time): on a busy
		// machine a GC can take 150 ms, and then 5 s apart.
		for (let i = 0; i < 25 && !server.output().includes(CALMED); i++) {
			expect(await get(server.url, '/lab/singleton')).toBe(200);
			await sleep(1200);
		}
		expect(server.output()).toContain(`${CALMED} and watching every request again`);
		expect(await get(server.url, '/lab/singleton')).toBe(200);
		const singleton = (await report(server.url)).routes.find((route) => route.id === '/lab/singleton');
		expect(singleton?.last?.heapDeltaBytes).toEqual(expect.any(Number));
		expect((await report(server.url)).sampling).toEqual({
			underLoad: false,
			allocationIntervalBytes: 16 * 1024,
			busySampleAfterMs: 1500,
			quietSpellsOnly: false
		});
	}, 60_000);
});
