import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The size of each answer: big enough that an unread body cannot hide in one socket buffer. */
export const BODY_BYTES = 64 * 1024;

/**
 * A loopback "upstream API" for the lab's fetch routes: a node:http server on 127.0.0.1, on a free port,
 * started on first use and unref'd (it never keeps the dev server alive, and is no request's handle).
 * One per process, kept on globalThis so that HMR edits do not start another.
 */
const KEY = Symbol.for('playground.upstream');
const shared = globalThis as { [KEY]?: Promise<string> };

/** The upstream's base URL, e.g. `http://127.0.0.1:41234`. */
export function upstreamUrl(): Promise<string> {
	shared[KEY] ??= listen(createServer(answer)).catch((error: unknown) => {
		delete shared[KEY];
		throw error;
	});
	return shared[KEY];
}

/** 64 KB of JSON-ish text, in chunks as a real API streams it. */
function answer(request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) {
	const chunk = Buffer.alloc(16 * 1024, 'x');
	response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(BODY_BYTES) });
	for (let sent = 0; sent < BODY_BYTES; sent += chunk.length) response.write(chunk);
	response.end();
	request.resume();
}

function listen(server: Server): Promise<string> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			server.unref();
			resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
		});
	});
}
