import type { IncomingMessage, Server } from 'node:http';
import type { Http2SecureServer } from 'node:http2';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_CLIENT_MESSAGE_BYTES, parseClientMessage } from '@heapwatch/core';
import type { Access, Refusal } from './access.ts';
import type { Hub } from '../overlay/client-hub.ts';

export interface WebSocketOptions {
	/** Pathnames served (with and without Vite's base). */
	paths: ReadonlySet<string>;
	access: Access;
	hub: Hub;
	onRefused(refusal: Refusal, req: IncomingMessage): void;
	onError(error: unknown): void;
}

/** A client that has not answered a ping by the next one is gone (sleeping laptop, dead network). */
const HEARTBEAT_MS = 30_000;

/**
 * The overlay's websocket, on Vite's own HTTP server (no port of ours to open or to find). Upgrades
 * to other paths, Vite's HMR among them, are left alone. Refused requests get a plain 403 before
 * any websocket exists. Returns the function that detaches it.
 */
export function attachWebSocket(httpServer: Server | Http2SecureServer, options: WebSocketOptions): () => void {
	// maxPayload: ws reads a frame's length from its header and closes with 1009 before buffering it.
	const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES, perMessageDeflate: false, clientTracking: false });
	const sockets = new Map<WebSocket, { alive: boolean }>();

	function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
		try {
			const pathname = (req.url ?? '').split('?')[0];
			if (!options.paths.has(pathname)) return;
			socket.on('error', () => {});
			const refusal = options.access.refuse(req);
			if (refusal) {
				options.onRefused(refusal, req);
				socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
				return;
			}
			wss.handleUpgrade(req, socket, head, connect);
		} catch (error) {
			socket.destroy();
			options.onError(error);
		}
	}

	function connect(ws: WebSocket) {
		const state = { alive: true };
		sockets.set(ws, state);
		// Oversized or malformed frames end the connection with an error event; that is all they do.
		ws.on('error', () => {});
		ws.on('pong', () => (state.alive = true));
		const handle = options.hub.add({
			send: (data) => ws.send(data),
			buffered: () => ws.bufferedAmount,
			close: () => ws.terminate()
		});
		ws.on('message', (data, isBinary) => {
			if (isBinary) return;
			const message = parseClientMessage(String(data));
			if (message?.type === 'heapwatch:resync') handle.resync();
		});
		ws.on('close', () => {
			sockets.delete(ws);
			handle.remove();
		});
	}

	const heartbeat = setInterval(() => {
		for (const [ws, state] of sockets) {
			if (!state.alive) ws.terminate();
			else {
				state.alive = false;
				ws.ping();
			}
		}
	}, HEARTBEAT_MS).unref();

	httpServer.on('upgrade', onUpgrade);
	return function detachWebSocket() {
		clearInterval(heartbeat);
		httpServer.off('upgrade', onUpgrade);
		for (const ws of sockets.keys()) ws.terminate();
		sockets.clear();
		wss.close();
	};
}
