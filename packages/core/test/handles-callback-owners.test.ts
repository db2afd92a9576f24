import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { HandleTracker } from '../src/handles/handle-tracker.ts';
import { requestStorage } from '../src/request/request-context.ts';
import { requestContext } from './fixtures/request-context.ts';
import { toolingCall, toolingSleep } from './fixtures/tooling/timers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const GRACE = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let tracker: HandleTracker;
const errors: unknown[] = [];
const timers: NodeJS.Timeout[] = [];

function start() {
	tracker = new HandleTracker({
		root,
		tooling: [path.join(here, 'fixtures', 'tooling') + path.sep],
		graceMs: GRACE,
		onVerdictChange() {},
		onError: (error) => errors.push(error)
	});
	tracker.start();
}

afterEach(() => {
	tracker?.close();
	for (const timer of timers.splice(0)) clearTimeout(timer);
	expect(errors.splice(0)).toEqual([]);
});

describe('timers of dev tooling', () => {
	it("are recognised by their callback after the first stack, and never tracked, while the app's are", async () => {
		start();
		const ctx = requestContext();
		let trackedDuringRequest = -1;
		await requestStorage.run(ctx, async () => {
			for (let i = 0; i < 20; i++) toolingCall()();
			timers.push(setTimeout(() => void 'the app keeps this timer for an hour', 3_600_000));
			trackedDuringRequest = tracker.tracked;
		});
		tracker.requestEnded(ctx, '/r');
		expect(trackedDuringRequest).toBe(1);
		await sleep(GRACE * 10);
		expect(tracker.describe('/r')).toMatchObject({
			handles: 1,
			handleSites: [{ type: 'Timeout', delayMs: 3_600_000, file: 'test/handles-callback-owners.test.ts' }]
		});
	});

	it("do not hide an app timer whose callback reads the same, such as a promise's resolve", async () => {
		start();
		const ctx = requestContext();
		await requestStorage.run(ctx, async () => {
			await toolingSleep(1);
			await toolingSleep(1);
			void new Promise((resolve) => timers.push(setTimeout(resolve, 3_600_000)));
		});
		tracker.requestEnded(ctx, '/r');
		await sleep(GRACE * 10);
		expect(tracker.describe('/r')).toMatchObject({ handles: 1, handleSites: [{ type: 'Timeout', delayMs: 3_600_000 }] });
	});
});
