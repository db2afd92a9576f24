import { connect as tcpConnect } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import type { ServerMessage } from '../../../core/src/protocol/index.ts';

let server: DevServer;
let token: string;
let wsUrl: string;

/** What a page gets: the options module the overlay imports, served by Vite like any other module. */
async function browserOptions(base: string): Promise<{ transport: { kind: string; path: string; token: string } }> {
	const response = await fetch(`${base}/@id/__x00__virtual:heapwatch-options`);
	const code = await response.text();
	return JSON.parse(code.slice(code.indexOf('{'), code.lastIndexOf('}') + 1));
}

type Outcome = { opened: true; socket: WebSocket } | { opened: false; status: number };

const inbox = new WeakMap<WebSocket, ServerMessage[]>();

function attempt(url: string, headers: Record<string, string>): Promise<Outcome> {
	return new Promise((resolve, reject) => {
		const socket = new WebSocket(url, { headers });
		// The first message can arrive in the same TCP read as the handshake, before 'open' handlers
		// get to add a listener: queue from the start.
		const queue: ServerMessage[] = [];
		inbox.set(socket, queue);
		socket.on('message', (data) => {
			queue.push(JSON.parse(String(data)));
			socket.emit('queued');
		});
		socket.once('open', () => resolve({ opened: true, socket }));
		socket.once('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode ?? 0 }));
		socket.once('error', reject);
	});
}

async function open(headers: Record<string, string> = { origin: server.url }): Promise<WebSocket> {
	const outcome = await attempt(`${wsUrl}?token=${token}`, headers);
	if (!outcome.opened) throw new Error(`refused with ${outcome.status}`);
	return outcome.socket;
}

async function nextMessage(socket: WebSocket): Promise<ServerMessage> {
	const queue = inbox.get(socket)!;
	while (queue.length === 0) await once(socket, 'queued');
	return queue.shift()!;
}

/**
 * Opens a websocket by hand (so that nothing on our side enforces sizes), sends `header` and then
 * `bodyBytes` of payload, and resolves with the close code the server answers with.
 */
async function rawFrame(header: Buffer, bodyBytes: number): Promise<number> {
	const { hostname, port, host } = new URL(server.url);
	const socket = tcpConnect(Number(port), hostname);
	socket.on('error', () => {});
	await once(socket, 'connect');
	const key = Buffer.from('0123456789abcdef').toString('base64');
	socket.write(
		`GET ${new URL(wsUrl).pathname}?token=${token} HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${server.url}\r\n` +
			`Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`
	);
	let received = Buffer.alloc(0);
	let upgraded: () => void;
	const handshake = new Promise<void>((resolve) => (upgraded = resolve));
	const code = new Promise<number>((resolve, reject) => {
		socket.on('data', (chunk) => {
			received = Buffer.concat([received, chunk]);
			const text = received.toString('latin1');
			const headEnd = text.indexOf('\r\n\r\n');
			if (headEnd < 0) return;
			if (!text.startsWith('HTTP/1.1 101')) return reject(new Error(text.slice(0, headEnd)));
			upgraded();
			// Server frames after the handshake: skip messages until the close frame (opcode 8).
			let at = headEnd + 4;
			while (at + 2 <= received.length) {
				const opcode = received[at] & 0x0f;
				let length = received[at + 1] & 0x7f;
				let offset = at + 2;
				if (length === 126) {
					length = received.readUInt16BE(offset);
					offset += 2;
				} else if (length === 127) {
					length = Number(received.readBigUInt64BE(offset));
					offset += 8;
				}
				if (offset + length > received.length) return;
				if (opcode === 8) return resolve(received.readUInt16BE(offset));
				at = offset + length;
			}
		});
		socket.once('close', () => reject(new Error('closed without a close frame')));
	});
	try {
		// Bytes sent before the 101 would reach Node's HTTP parser, not the websocket.
		await Promise.race([handshake, code]);
		socket.write(header);
		socket.write(Buffer.alloc(bodyBytes, 0x61));
		return await code;
	} finally {
		socket.destroy();
	}
}

beforeAll(async () => {
	server = await startDevServer();
	const options = await browserOptions(server.url);
	expect(options.transport.kind).toBe('ws');
	token = options.transport.token;
	wsUrl = `${server.url.replace('http', 'ws')}${options.transport.path}`;
});

afterAll(() => server?.stop());

describe('who may connect to the overlay websocket', () => {
	it('accepts a page of the dev server with the token, and sends the full state first', async () => {
		const socket = await open();
		const first = await nextMessage(socket);
		expect(first.type).toBe('heapwatch:state');
		expect(first.type === 'heapwatch:state' && first.report.version).toBe(1);
		socket.close();
	});

	it('puts the token only in the options module, 24 random bytes, the same on every load', async () => {
		expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
		expect((await browserOptions(server.url)).transport.token).toBe(token);
	});

	it.each([
		['a wrong token', () => `${wsUrl}?token=${token.slice(0, -1)}x`, () => server.url],
		['a missing token', () => wsUrl, () => server.url],
		['an empty token', () => `${wsUrl}?token=`, () => server.url],
		['a foreign Origin', () => `${wsUrl}?token=${token}`, () => 'http://evil.example'],
		['the same host on another port', () => `${wsUrl}?token=${token}`, () => server.url.replace(/:\d+$/, ':1')],
		['a rebinding host name', () => `${wsUrl}?token=${token}`, () => 'http://attacker.example:80']
	])('refuses %s with 403 before the upgrade', async (_name, url, origin) => {
		const outcome = await attempt(url(), { origin: origin() });
		expect(outcome).toEqual({ opened: false, status: 403 });
	});

	it('refuses a client that sends no Origin', async () => {
		const outcome = await attempt(`${wsUrl}?token=${token}`, {});
		expect(outcome).toEqual({ opened: false, status: 403 });
	});

	it('says in the terminal that a foreign page tried, once', () => {
		const lines = server.linesWith('refused an overlay connection from Origin http://evil.example');
		expect(lines).toHaveLength(1);
		expect(lines[0]).toContain('only pages of this dev server may read heapwatch');
	});
});

describe('what a connected client may send', () => {
	it('drops garbage and keeps serving the connection', async () => {
		const socket = await open();
		await nextMessage(socket);
		for (const junk of ['not json', '{"type":"heapwatch:nope"}', '[]', 'null', '{"type":', Buffer.from([0, 1, 2, 255])]) socket.send(junk);
		// A valid message still works on the same connection: the server answers a resync with the full state.
		socket.send(JSON.stringify({ type: 'heapwatch:resync' }));
		expect((await nextMessage(socket)).type).toBe('heapwatch:state');
		socket.close();
	});

	it('closes the connection on an oversized frame (1009) without reading it, and accepts new ones', async () => {
		const socket = await open();
		await nextMessage(socket);
		const closed = once(socket, 'close');
		socket.send('x'.repeat(64 * 1024));
		const [code] = await closed;
		expect(code).toBe(1009);
		const again = await open();
		expect((await nextMessage(again)).type).toBe('heapwatch:state');
		again.close();
	});

	it('answers frames that announce gigabytes at their header, 20 times over, and carries on', async () => {
		for (let i = 0; i < 20; i++) {
			// A masked text frame whose header announces 2^32 bytes, then 8 MB of it: the server must
			// answer at the header (close 1009), not buffer the body.
			const code = await rawFrame(Buffer.from([0x81, 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4]), 8 * 1024 * 1024);
			expect(code).toBe(1009);
		}
		const again = await open();
		expect((await nextMessage(again)).type).toBe('heapwatch:state');
		again.close();
	});
});
