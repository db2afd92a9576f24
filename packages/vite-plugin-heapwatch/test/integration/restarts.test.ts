import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { playgroundDir, startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { fresh, get, report, sleep } from '../../../../scripts/lib/traffic.ts';
import type { Report } from '../../src/index.ts';

/**
 * Vite restarts on an edit of its config file or of a file the config imports. The playground's own
 * vite.config.ts is not ours to edit: this test owns a config that re-exports it, and edits that one.
 */
const CONFIG_NAME = 'vite.restart-test.config.ts';
const configFile = path.join(playgroundDir, CONFIG_NAME);
const writeConfig = (edit: number) =>
	writeFileSync(configFile, `// Written by restarts.test.ts, which edits it to make Vite restart, then deletes it.\nexport { default } from './vite.config.ts';\n// edit ${edit}\n`);

const RESTARTS = 3;
const LEAKY = '/lab/unbounded-cache/{n}';
const ROUTE_ID = '/lab/unbounded-cache/[id]';
/** Without restarts, this route is flagged within a few dozen requests (leak-verdicts.test.ts). */
const MAX_REQUESTS = 150;

let server: DevServer;
let tokenBefore: string;
let tokenAfter: string;
let socketBefore: WebSocket;
let final: Report;

/** What a page gets: the options module the overlay imports, served by Vite like any other module. */
async function overlayTransport(): Promise<{ kind: string; path: string; token: string }> {
	const code = await (await fetch(`${server.url}/@id/__x00__virtual:heapwatch-options`)).text();
	return JSON.parse(code.slice(code.indexOf('{'), code.lastIndexOf('}') + 1)).transport;
}

/** Opens the overlay feed as the page would; resolves with the first message, or the refusal status. */
function openFeed(token: string): Promise<{ socket: WebSocket; first: { type: string } } | { status: number }> {
	return new Promise((resolve, reject) => {
		const socket = new WebSocket(`${server.url.replace('http', 'ws')}/__heapwatch/ws?token=${token}`, { headers: { origin: server.url } });
		socket.once('message', (data) => resolve({ socket, first: JSON.parse(String(data)) }));
		socket.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
		socket.once('error', reject);
	});
}

const restartsSeen = () => server.output().split('\n').filter((line) => line.includes('server restarted.')).length;

async function restart(edit: number): Promise<void> {
	writeConfig(edit);
	for (let i = 0; i < 300 && restartsSeen() < edit; i++) await sleep(100);
	expect(restartsSeen(), `Vite did not restart after edit ${edit} of ${CONFIG_NAME}:\n${server.output()}`).toBe(edit);
}

beforeAll(async () => {
	writeConfig(0);
	server = await startDevServer({ args: ['--config', CONFIG_NAME] });
	// A page is open before the restarts: its feed must come back with the token it already has.
	expect(await get(server.url, fresh(LEAKY))).toBe(200);
	const transport = await overlayTransport();
	expect(transport.path).toBe('/__heapwatch/ws');
	tokenBefore = transport.token;
	const opened = await openFeed(tokenBefore);
	if (!('socket' in opened)) throw new Error(`the overlay feed refused the page's token before any restart (${opened.status})`);
	socketBefore = opened.socket;

	for (let edit = 1; edit <= RESTARTS; edit++) await restart(edit);
	tokenAfter = (await overlayTransport()).token;

	// Browsing after the restarts: the leaking route with pauses for heapwatch's post-GC samples,
	// until it is flagged with sources or the requests run out.
	for (let request = 1; request <= MAX_REQUESTS; request++) {
		expect(await get(server.url, fresh(LEAKY))).toBe(200);
		await sleep(150);
		if (request % 10 !== 0) continue;
		final = await report(server.url);
		const route = final.routes.find((r) => r.id === ROUTE_ID);
		if (route?.verdict === 'leak' && route.sources.length > 0) break;
	}
});

afterAll(async () => {
	socketBefore?.terminate();
	await server?.stop();
	rmSync(configFile, { force: true });
});

describe(`after ${RESTARTS} Vite restarts in a row (config edits)`, () => {
	it('flags a leaking route, with the allocation sources it names', () => {
		const route = final.routes.find((r) => r.id === ROUTE_ID);
		expect(route?.verdict).toBe('leak');
		expect(route?.sources[0]).toMatchObject({ file: 'src/lib/lab/payload.ts', function: 'makeRecords' });
	});

	it('says in report.json that one monitor is live, sampling allocations, after the restarts it saw', () => {
		expect(final.process).toEqual({ monitors: 1, allocationSampling: true, restarts: RESTARTS });
	});

	it('logs no internal error', () => {
		const output = server.output();
		expect(output).not.toContain('sampling heap profiler was not started');
		expect(output).not.toContain('internal error');
	});

	it("keeps the overlay's token, so that an open page's feed reconnects", async () => {
		expect(tokenAfter).toBe(tokenBefore);
		// The feed of the page opened before the restarts was closed with its server.
		if (socketBefore.readyState !== WebSocket.CLOSED) await once(socketBefore, 'close');
		const reopened = await openFeed(tokenBefore);
		expect(reopened).toHaveProperty('first.type', 'heapwatch:state');
		if ('socket' in reopened) reopened.socket.close();
	});
});
