import type { IncomingMessage } from 'node:http';
import type { ViteDevServer } from 'vite';
import { EVENTS_PATH, SOCKET_PATH, type Monitor } from '@heapwatch/core';
import type { Log } from '../log.ts';
import { attachWebSocket } from '../server/websocket.ts';
import { createAccess, originPolicy, type Refusal } from '../server/access.ts';
import { createHub } from './client-hub.ts';
import { createEventStreamMiddleware } from './event-stream.ts';

/** How the page reaches the feed: a websocket on Vite's server, or server-sent events in middleware mode. */
export type Transport = { kind: 'ws' | 'sse'; path: string; token: string };

export interface Feed {
	transport: Transport;
	close(): void;
}

/** Serves the overlay's live data for one dev server; `close` when the server closes. */
export function startOverlayFeed(server: ViteDevServer, log: Log, monitor: Pick<Monitor, 'report' | 'events'>, onError: (error: unknown) => void): Feed {
	const { base } = server.config;
	const httpServer = server.httpServer;
	// Event streams are same-origin GETs, which carry no Origin header.
	const access = createAccess(originPolicy(server, !httpServer));
	const hub = createHub({ report: () => monitor.report(), events: monitor.events, onError });
	const onRefused = (refusal: Refusal, req: IncomingMessage) => {
		// A wrong token is usually a tab left open across a restart; a foreign Origin is worth a word.
		if (refusal.kind === 'origin') {
			log.once(
				`refused:${refusal.detail}`,
				'warn',
				`refused an overlay connection from ${refusal.detail} (${req.headers['user-agent'] ?? 'no user agent'}): only pages of this dev server may read heapwatch's data.`
			);
		}
	};
	const route = httpServer ? SOCKET_PATH : EVENTS_PATH;
	const paths = new Set([`${base}${route}`, `/${route}`]);
	let detach = () => {};
	if (httpServer) {
		detach = attachWebSocket(httpServer as import('node:http').Server, { paths, access, hub, onRefused, onError });
	} else {
		server.middlewares.use(createEventStreamMiddleware({ paths, access, hub, onRefused }));
	}
	return {
		transport: { kind: httpServer ? 'ws' : 'sse', path: `${base}${route}`, token: access.token },
		close() {
			detach();
			hub.close();
		}
	};
}
