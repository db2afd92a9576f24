import {
	deltaBetween,
	encode,
	outsideRequests,
	type Encoded,
	type MonitorEvents,
	type Report,
	type ServerMessage,
	type Snapshot,
	type StateMessage
} from '@heapwatch/core';

/** One connected overlay, whatever carries it (websocket or event stream). */
export interface FeedClient {
	send(data: string): void;
	/** Bytes handed to the socket and not yet written out. */
	buffered(): number;
	close(): void;
}

export interface Hub {
	/** Sends the full state, then deltas; the returned handle reports messages and the end of the connection. */
	add(client: FeedClient): { resync(): void; remove(): void };
	readonly size: number;
	close(): void;
}

export interface HubOptions {
	report(): Report;
	/** The monitor's events: any of them means the report changed. */
	events: MonitorEvents;
	onError(error: unknown): void;
}

/** Deltas go out at most this often: changes in between are coalesced into one message. */
const TICK_MS = 200;
/** A client with this much unsent data gets nothing new until it drains; its deltas coalesce meanwhile. */
const MAX_BUFFERED_BYTES = 512 * 1024;
/** A client that has not drained for this long is disconnected; the overlay reconnects and resyncs. */
const STALL_LIMIT_MS = 30_000;
/** Tabs of one app are a handful; this only bounds what a misbehaving script could open. */
export const MAX_CLIENTS = 32;

interface Entry {
	client: FeedClient;
	/** What the client was last sent; null means it needs the full state. */
	snapshot: Snapshot | null;
	stalledSince: number | null;
}

/**
 * Keeps every overlay up to date: when the monitor says something changed, and someone is connected,
 * the report is read once (at most every TICK_MS, changes in between coalesced) and each client gets
 * the delta from what it last got. Nothing is read while nothing changes. A client that was skipped
 * (busy socket) catches up in one delta, and the server never queues more than one message per client.
 */
export function createHub(options: HubOptions): Hub {
	const entries = new Set<Entry>();
	let timer: NodeJS.Timeout | undefined;
	const unsubscribe = options.events.subscribe(() => {
		if (entries.size > 0) schedule();
	});

	function schedule(): void {
		if (timer) return;
		// Armed as a request ends: made outside its context, so that it does not keep the request alive.
		timer = outsideRequests(() => setTimeout(tick, TICK_MS).unref());
	}

	const stateMessage = (current: Encoded): StateMessage => ({ type: 'heapwatch:state', report: current.report, warnings: current.warnings });

	function deliver(entry: Entry, current: Encoded, now: number): void {
		if (entry.client.buffered() > MAX_BUFFERED_BYTES) {
			entry.stalledSince ??= now;
			if (now - entry.stalledSince > STALL_LIMIT_MS) drop(entry);
			// It catches up once it drains, whether or not anything changes meanwhile.
			else schedule();
			return;
		}
		entry.stalledSince = null;
		const message: ServerMessage | null = entry.snapshot ? deltaBetween(entry.snapshot, current) : stateMessage(current);
		entry.snapshot = current.snapshot;
		if (message) entry.client.send(JSON.stringify(message));
	}

	function tick(): void {
		timer = undefined;
		try {
			if (entries.size === 0) return;
			const current = encode(options.report());
			const now = Date.now();
			for (const entry of entries) deliver(entry, current, now);
		} catch (error) {
			options.onError(error);
		}
	}

	function stop(): void {
		clearTimeout(timer);
		timer = undefined;
	}

	function drop(entry: Entry): void {
		entries.delete(entry);
		try {
			entry.client.close();
		} catch (error) {
			options.onError(error);
		}
	}

	return {
		add(client) {
			const entry: Entry = { client, snapshot: null, stalledSince: null };
			if (entries.size >= MAX_CLIENTS) {
				drop(entry);
				return { resync() {}, remove() {} };
			}
			entries.add(entry);
			try {
				deliver(entry, encode(options.report()), Date.now());
			} catch (error) {
				options.onError(error);
			}
			return {
				resync: () => {
					entry.snapshot = null;
					schedule();
				},
				remove: () => void entries.delete(entry)
			};
		},
		get size() {
			return entries.size;
		},
		close() {
			unsubscribe();
			stop();
			for (const entry of [...entries]) drop(entry);
		}
	};
}
