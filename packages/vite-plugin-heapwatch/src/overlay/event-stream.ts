import type { Connect } from 'vite';
import type { Access, Refusal } from '../server/access.ts';
import type { Hub } from './client-hub.ts';

export interface EventStreamOptions {
	paths: ReadonlySet<string>;
	access: Access;
	hub: Hub;
	onRefused(refusal: Refusal, req: Connect.IncomingMessage): void;
}

/**
 * The overlay feed as server-sent events, for Vite in middleware mode: there is no HTTP server of
 * Vite's to take websocket upgrades from, but the user's server runs Vite's middlewares, so this works
 * wherever the app itself is served. Same token and Origin checks; one-way, which is all the feed needs
 * (a reconnect is the resync).
 */
export function createEventStreamMiddleware(options: EventStreamOptions): Connect.NextHandleFunction {
	return function heapwatchEventStreamMiddleware(req, res, next) {
		const pathname = (req.originalUrl ?? req.url ?? '').split('?')[0];
		if (!options.paths.has(pathname)) return next();
		// Checked against the original URL: the token is in its query.
		const refusal = options.access.refuse(Object.assign(Object.create(req), { url: req.originalUrl ?? req.url }));
		if (refusal) {
			options.onRefused(refusal, req);
			res.writeHead(403).end();
			return;
		}
		if (req.method !== 'GET') {
			res.writeHead(405, { allow: 'GET' }).end();
			return;
		}
		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
		res.write(': heapwatch\n\n');
		const handle = options.hub.add({
			send: (data) => res.write(`data: ${data}\n\n`),
			buffered: () => res.writableLength,
			close: () => res.destroy()
		});
		res.on('close', () => handle.remove());
	};
}
