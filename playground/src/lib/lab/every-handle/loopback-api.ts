import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let api: Promise<string> | undefined;

/**
 * The URL of a tiny HTTP API on loopback, started on first use. It is unref'd: it never keeps the dev
 * server running, so it neither blocks a stop nor counts as the handle of the request that started it.
 */
export function loopbackApi(): Promise<string> {
	api ??= (async () => {
		const server = createServer((_request, response) => response.end('{"ok":true}')).listen(0, '127.0.0.1');
		server.unref();
		await once(server, 'listening');
		return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
	})();
	return api;
}
