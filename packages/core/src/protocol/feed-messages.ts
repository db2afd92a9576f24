/**
 * The overlay's live feed: what the dev server sends to the page and the page to the server, over the
 * websocket (or the event-stream fallback in middleware mode). Both ends validate every message they
 * receive (parse.ts), so a malformed frame is dropped, never trusted.
 */
import type { Report, RouteReport } from './report.ts';
import type { Warning } from './warnings.ts';

/** First message on every connection: everything, so a reconnecting overlay needs nothing else. */
export interface StateMessage {
	type: 'heapwatch:state';
	report: Report;
	warnings: Warning[];
}

/** What changed since the last message this client got. Routes are sent whole when any field changed. */
export interface DeltaMessage {
	type: 'heapwatch:delta';
	epoch: number;
	samples: number;
	lastSample: Report['lastSample'];
	sampling: Report['sampling'];
	/** Process samples newer than the newest the client has, oldest first. */
	history: Report['history'];
	/** Routes that are new or changed. */
	routes: RouteReport[];
	/** The full warning list, present only when it changed. */
	warnings?: Warning[];
	/** Present only when they changed. */
	findings?: Report['findings'];
	staleHandles?: Report['staleHandles'];
}

export type ServerMessage = StateMessage | DeltaMessage;

/** The overlay asks for a fresh `heapwatch:state` (e.g. after it dropped a message it could not read). */
export interface ResyncMessage {
	type: 'heapwatch:resync';
}

export type ClientMessage = ResyncMessage;
