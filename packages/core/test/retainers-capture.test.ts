import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRetainerCapture, type RetainerCaptureStatus } from '../src/retainers/retainer-capture.ts';

const root = mkdtempSync(path.join(tmpdir(), 'heapwatch-capture-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function capture(requestsOf: () => number, timeoutMs: number) {
	const changes: RetainerCaptureStatus['state'][] = [];
	let settle: (status: RetainerCaptureStatus) => void;
	const settled = new Promise<RetainerCaptureStatus>((resolve) => (settle = resolve));
	const handle = startRetainerCapture({
		route: '/items/[id]',
		root,
		dir: path.join(root, '.heapwatch'),
		requests: 2,
		timeoutMs,
		pollMs: 10,
		requestsOf,
		inFlight: () => 0,
		naming: () => ({}),
		onChange(status) {
			changes.push(status.state);
			if (status.state === 'done' || status.state === 'failed') settle(structuredClone(status));
		}
	});
	return { handle, changes, settled };
}

describe('startRetainerCapture', () => {
	it('states the cost and takes no snapshot before its caller has answered', () => {
		const { handle } = capture(() => 0, 60_000);
		const status = handle.status();
		expect(status).toMatchObject({ route: '/items/[id]', state: 'waiting', requestsNeeded: 2, snapshots: [], pauseMs: [] });
		expect(status.message).toMatch(
			/^Taking 2 heap snapshots around 2 requests to \/items\/\[id\]\. Each pauses the dev server for about [\d.]+ m?s and writes about \d+ MB\.$/
		);
		handle.dispose(true);
	});

	it('gives up when the route is not requested, keeping the first snapshot until disposed', async () => {
		const { handle, changes, settled } = capture(() => 0, 50);
		const status = await settled;
		expect(changes).toEqual(['waiting', 'failed']);
		expect(status.message).toBe(
			'Gave up after 0 s: /items/[id] served 0 of the 2 requests needed. Start a capture, then load the route a few times (with varying parameters for a parameterized route).'
		);
		expect(status.snapshots).toHaveLength(1);
		expect(status.snapshots[0]).toMatch(/^\.heapwatch\/\d{8}-\d{6}-items_id-before\.heapsnapshot$/);
		const file = path.join(root, status.snapshots[0]);
		expect(existsSync(file)).toBe(true);
		handle.dispose(true);
		expect(existsSync(file)).toBe(false);
	});

	it('takes the second snapshot once the route has served its requests, and analyses', async () => {
		let served = 10;
		const { changes, settled } = capture(() => served, 60_000);
		setTimeout(() => (served += 2), 50);
		const status = await settled;
		expect(changes).toEqual(['waiting', 'capturing', 'done']);
		expect(status.requestsNeeded).toBe(0);
		expect(status.snapshots).toHaveLength(2);
		expect(status.pauseMs).toHaveLength(2);
		expect(status.grown.length).toBeGreaterThan(0);
		expect(status.path.length).toBeGreaterThan(0);
	});
});
