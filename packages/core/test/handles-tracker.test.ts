import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { HandleTracker } from '../src/handles/handle-tracker.ts';
import { LEAK_REQUESTS } from '../src/handles/route-handles.ts';
import { requestStorage } from '../src/request/request-context.ts';
import { requestContext } from './fixtures/request-context.ts';

const thisFile = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(thisFile), '..');
const file = 'test/handles-tracker.test.ts';
/** The line of this file that holds a marker comment: creation sites are asserted exactly. */
const lineOf = (marker: string) =>
	readFileSync(thisFile, 'utf8')
		.split('\n')
		.findIndex((line) => line.includes(`// ${marker}`)) + 1;

const GRACE = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Long enough for every grace check to have run (the sweep is one timer, a grace after the response). */
const graceOver = () => sleep(GRACE * 10);

let tracker: HandleTracker;
let changes: string[];
let errors: unknown[];
const timers: NodeJS.Timeout[] = [];

function start(graceMs = GRACE) {
	changes = [];
	errors = [];
	tracker = new HandleTracker({ root, tooling: [], graceMs, onVerdictChange: (key) => changes.push(key), onError: (error) => errors.push(error) });
	tracker.start();
}

/** Runs `load` as the body of a request to route `key`, then ends the request. */
async function request(key: string | undefined, load: () => unknown) {
	const ctx = requestContext();
	await requestStorage.run(ctx, async () => {
		await load();
	});
	tracker.requestEnded(ctx, key);
}

afterEach(() => {
	tracker?.close();
	for (const timer of timers.splice(0)) clearInterval(timer);
	expect(errors).toEqual([]);
});

describe('HandleTracker', () => {
	it('counts an interval left running after the response, with its creation line and period', async () => {
		start();
		await request('/poll', () => {
			timers.push(setInterval(() => {}, 60_000)); // interval-site
		});
		await graceOver();
		expect(tracker.describe('/poll')).toMatchObject({
			handles: 1,
			handleSites: [{ type: 'Interval', delayMs: 60_000, file, line: lineOf('interval-site'), count: 1 }],
			handleVerdict: 'ok',
			handlesPerRequest: 1
		});
	});

	it("does not count timers that fire or are cleared within the grace period, nor unref'd ones", async () => {
		start();
		await request('/clean', async () => {
			await sleep(2);
			let ticks = 0;
			const interval = setInterval(() => {
				if (++ticks === 2) clearInterval(interval);
			}, 1);
			setImmediate(() => {});
			timers.push(setInterval(() => {}, 60_000).unref());
		});
		await graceOver();
		expect(tracker.describe('/clean')).toMatchObject({ handles: 0, handleSites: [] });
		expect(tracker.tracked).toBe(0);
	});

	it('never tracks what runs before the grace period ends: immediates and short one-shot timers', async () => {
		start(1000);
		let tracked = -1;
		await request('/short', async () => {
			await new Promise((resolve) => setTimeout(resolve, 5));
			setImmediate(() => {});
			timers.push(setTimeout(() => {}, 500));
			timers.push(setInterval(() => {}, 500)); // it repeats: it could linger
			tracked = tracker.tracked;
		});
		expect(tracked).toBe(1);
	});

	it(`flags a route once ${LEAK_REQUESTS} requests each left a handle, and clears it when they are cleared`, async () => {
		start();
		for (let i = 0; i < LEAK_REQUESTS; i++) {
			await request('/leak', () => {
				timers.push(setTimeout(() => {}, 3_600_000)); // timeout-site
			});
		}
		await graceOver();
		expect(changes).toEqual(['/leak']);
		expect(tracker.describe('/leak')).toMatchObject({
			handles: LEAK_REQUESTS,
			handleVerdict: 'leak',
			handlesFlaggedAt: LEAK_REQUESTS,
			handleSites: [{ type: 'Timeout', delayMs: 3_600_000, file, line: lineOf('timeout-site'), count: LEAK_REQUESTS }]
		});
		for (const timer of timers.splice(0)) clearTimeout(timer);
		await graceOver();
		expect(changes).toEqual(['/leak', '/leak']);
		expect(tracker.describe('/leak')).toMatchObject({ handles: 0, handleVerdict: 'ok' });
	});

	it('does not flag one handle left by a single request (a module-level singleton)', async () => {
		start();
		await request('/once', () => {
			timers.push(setInterval(() => {}, 60_000));
		});
		for (let i = 0; i < 5; i++) await request('/once', () => {});
		await graceOver();
		expect(tracker.describe('/once')).toMatchObject({ handles: 1, handleVerdict: 'ok' });
		expect(changes).toEqual([]);
	});

	it('ignores resources created outside requests and in requests SvelteKit never handled', async () => {
		start();
		timers.push(setInterval(() => {}, 60_000));
		await request(undefined, () => {
			timers.push(setInterval(() => {}, 60_000));
		});
		await graceOver();
		expect(tracker.tracked).toBe(0);
	});

	it('moves handles of replaced modules to the stale list, with the epoch that replaced them', async () => {
		start();
		for (let i = 0; i < LEAK_REQUESTS; i++) {
			await request('/hmr', () => {
				timers.push(setInterval(() => {}, 1000)); // stale-site
			});
		}
		await graceOver();
		expect(tracker.describe('/hmr').handleVerdict).toBe('leak');
		const stale = tracker.modulesReplaced(new Set([thisFile.split(path.sep).join('/')]), 1);
		const expected = { type: 'Interval', delayMs: 1000, file, line: lineOf('stale-site'), count: LEAK_REQUESTS, route: '/hmr', epoch: 1 };
		expect(stale).toEqual([expected]);
		expect(tracker.staleSites()).toEqual([expected]);
		expect(tracker.describe('/hmr')).toMatchObject({ handles: 0, handleVerdict: 'ok' });
		clearInterval(timers.pop());
		await graceOver();
		expect(tracker.staleSites()).toEqual([{ ...expected, count: LEAK_REQUESTS - 1 }]);
	});

	it('leaves files that were not edited alone', async () => {
		start();
		await request('/other', () => {
			timers.push(setInterval(() => {}, 1000));
		});
		await graceOver();
		expect(tracker.modulesReplaced(new Set(['/elsewhere/edited.ts']), 1)).toEqual([]);
		expect(tracker.describe('/other').handles).toBe(1);
	});

	it('stops tracking when closed', async () => {
		start();
		tracker.close();
		await request('/closed', () => {
			timers.push(setInterval(() => {}, 60_000));
		});
		await graceOver();
		expect(tracker.tracked).toBe(0);
		expect(tracker.describe('/closed').handles).toBe(0);
	});

	it('under sustained load watches one request in N, and still flags a route that leaves an interval on every request', async () => {
		start();
		tracker.watchOneIn(4);
		for (let i = 0; i < 12; i++) {
			const ctx = { ...requestContext(), watchHandles: tracker.watch() };
			await requestStorage.run(ctx, async () => {
				timers.push(setInterval(() => {}, 60_000));
			});
			tracker.requestEnded(ctx, '/poll');
			if (ctx.watchHandles) tracker.unwatch();
		}
		await graceOver();
		// Requests 1, 5 and 9 were watched: three handles, one per watched request, and the verdict.
		expect(tracker.describe('/poll')).toMatchObject({ handles: 3, handlesPerRequest: 1, handleVerdict: 'leak' });
		expect(changes).toEqual(['/poll']);
	});
});
