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
// A page whose streamed promise never settles, left by its client once the page shell came; its twin
// gives the same wait a deadline.
const FOREVER = '/lab/streamed-forever/[id]';
const DEADLINE = '/lab/streamed-deadline/[id]';
const STREAMED_ROUNDS = 30;

let server: DevServer;
let final: Report;
const route = (id: string) => final.routes.find((r) => r.id === id)!;

/** Opens a response (an event stream, a streamed page), reads its first chunk, and leaves, as a closed tab does. */
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
	for (let round = 0; round < STREAMED_ROUNDS; round++) {
		await leaveAfterFirstEvent(fresh('/lab/streamed-forever/{n}'));
		await leaveAfterFirstEvent(fresh('/lab/streamed-deadline/{n}'));
		expect(await get(server.url, fresh('/lab/weakmap/{n}'))).toBe(200);
		// A reader's pause: samples are taken in quiet spells.
		await sleep(250);
	}
	// Handles count once their grace period (1 s) is over; the pages' verdicts once a sample after the
	// traffic has come (samples wait for quiet spells).
	const decided = (report: Report, id: string) => report.routes.some((r) => r.id === id && r.verdict !== 'warming');
	final = await reportWhen(
		server.url,
		(report) => report.routes.some((r) => r.id === LEAKY && r.handles >= 10) && decided(report, FOREVER) && decided(report, DEADLINE)
	);
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

describe('clients that leave a page whose streamed promise never settles', () => {
	it('flags the page, and not its twin with a deadline', () => {
		expect(route(FOREVER)).toMatchObject({ verdict: 'leak', abortedRequests: STREAMED_ROUNDS });
		// Most: a response whose deadline passed before its first chunk was read ended first.
		expect(route(DEADLINE).abortedRequests).toBeGreaterThan(STREAMED_ROUNDS / 2);
		expect(route(DEADLINE).verdict).not.toBe('leak');
	});

	it('names the cause in the terminal: the clients left before the response ended, and the fix', () => {
		const warning = server
			.output()
			.split('[heapwatch] ')
			.find((text) => text.startsWith(`${FOREVER} retains`));
		expect(warning).toMatch(
			/ (\d+) of its \1 requests ended with the client gone before the response did: .* a promise load streams that never settles\. Give every streamed promise a deadline/
		);
		expect(server.output()).not.toContain(`${DEADLINE} retains`);
	});
});
