import { parseServerMessage, type ServerMessage } from '#messages';
import type { OverlayOptions } from './options.ts';

export type Status = 'connecting' | 'open' | 'closed';

export interface ConnectionEvents {
	message(message: ServerMessage): void;
	status(status: Status): void;
}

/** Waits between reconnection attempts: quick after a restart, never hammering a server that is gone. */
const RETRY_MS = [500, 1000, 2000, 4000, 8000];

/**
 * Keeps a feed open to the dev server, reconnecting after restarts. Every message is validated; one
 * that does not parse asks the server for a fresh state instead of being applied.
 */
export function connect(transport: OverlayOptions['transport'], events: ConnectionEvents): () => void {
	let attempt = 0;
	let stopped = false;
	let retry: ReturnType<typeof setTimeout> | undefined;
	let close = () => {};

	const url = new URL(transport.path, location.href);
	url.searchParams.set('token', transport.token);

	function receive(data: unknown, resync: () => void) {
		const message = parseServerMessage(data);
		if (message) {
			attempt = 0;
			events.message(message);
		} else resync();
	}

	function closed() {
		if (stopped) return;
		events.status('closed');
		retry = setTimeout(open, RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]);
	}

	function open() {
		events.status('connecting');
		if (transport.kind === 'ws') {
			url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
			const socket = new WebSocket(url);
			socket.onopen = () => events.status('open');
			socket.onmessage = (event) =>
				receive(event.data, () => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify({ type: 'heapwatch:resync' })));
			socket.onclose = closed;
			close = () => socket.close();
		} else {
			const source = new EventSource(url);
			source.onopen = () => events.status('open');
			// A one-way stream resyncs by reconnecting: the first message is always the full state.
			source.onmessage = (event) => receive(event.data, () => (source.close(), closed()));
			source.onerror = () => (source.close(), closed());
			close = () => source.close();
		}
	}

	open();
	return () => {
		stopped = true;
		clearTimeout(retry);
		close();
	};
}
