import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgroundLineOf, startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { fresh, get, reportWhen, sleep } from '../../../../scripts/lib/traffic.ts';
import type { Report } from '../../src/index.ts';

// Server-sent events whose clients leave (issue 13, kit#11751): without cancel() the stream's
// interval runs on after the client left; its twin /lab/sse clears it in cancel().
const LEAKY = '/lab/sse-no-cancel';
const TWIN = '/lab/sse';
const LEAKY_FILE = 'src/routes/lab/sse-no-cancel/+server.ts';

let server: DevServer;
let final: Report;
const route = (id: string) => final.routes.find((r) => r.id === id)!;

/** Opens an event stream, reads its first event, and leaves, as a closed tab does. */
function leaveAfterFirstEvent(path: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const request = http.get(server.url + path, (response) => response.once('data', () => (request.destroy(), resolve())));
		request.on('error', reject);
	});
}

beforeAll(async () => {
	server = await startDevServer();
	// Browsing, with a tab on each stream opened and closed now and then.
	for (let round = 0; round < 12; round++) {
		await leaveAfterFirstEvent(LEAKY);
		await leaveAfterFirstEvent(TWIN);
		expect(await get(server.url, fresh('/lab/weakmap/{n}'))).toBe(200);
		expect(await get(server.url, '/lab/singleton')).toBe(200);
		await sleep(100);
	}
	// Handles count once their grace period (1 s) is over.
	final = await reportWhen(server.url, (report) => report.routes.some((r) => r.id === LEAKY && r.handles >= 10));
});

afterAll(() => server?.stop());

describe('clients that leave a stream', () => {
	it('flags the stream without cancel(), at the line of its interval', () => {
		const leaky = route(LEAKY);
		expect(leaky.handleVerdict).toBe('leak');
		expect(leaky.abortedRequests).toBe(12);
		expect(leaky.handleSites[0]).toMatchObject({ type: 'Interval', file: LEAKY_FILE, line: playgroundLineOf(LEAKY_FILE, 'setInterval(') });
	});

	it('keeps the stream that clears its interval in cancel() at ok', () => {
		expect(route(TWIN)).toMatchObject({ handleVerdict: 'ok', handles: 0, abortedRequests: 12 });
		expect(route(TWIN).verdict).not.toBe('leak');
	});

	it('names the cause in the terminal: the interval still runs after the client left, and the fix', () => {
		const line = playgroundLineOf(LEAKY_FILE, 'setInterval(');
		expect(server.output()).toContain(
			`  the stream's interval created at ${LEAKY_FILE}:${line} is still running after the client left: clear it in the stream's cancel().`
		);
		expect(server.output()).not.toMatch(/\/lab\/sse leaves/);
	});
});
