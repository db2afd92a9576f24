/**
 * The overlay's live feed: what the dev server sends to the page and the page to the server, over the
 * websocket (or the event-stream fallback in middleware mode). Both ends import these types and
 * validate every message they receive, so a malformed frame is dropped, never trusted.
 * No Node or DOM imports here: the overlay bundles this file.
 */
import type { Report, RouteReport, SourceLocation, Verdict } from './protocol.ts';

/** Websocket path, after Vite's `base`. */
export const SOCKET_PATH = '__heapwatch/ws';
/** Server-sent events path (fallback when Vite has no HTTP server of its own), after `base`. */
export const EVENTS_PATH = '__heapwatch/events';
/** Largest message a client may send. Larger frames close the connection before they are buffered. */
export const MAX_CLIENT_MESSAGE_BYTES = 1024;
/** Post-GC samples the overlay keeps for its process sparkline (the server keeps as many). */
export const HISTORY_KEPT = 120;

/** Something the overlay lists under "warnings" and counts on its badge. */
export interface Warning {
	/** Stable across messages: the same warning keeps its key. */
	key: string;
	kind: 'leak';
	routeId: string | null;
	retainedBytesPerRequest: number;
	/** Where most of the retained memory is allocated, when known. */
	source: SourceLocation | null;
	/** The route's request count when it was flagged. */
	flaggedAt: number | null;
}

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
	/** Process samples newer than the newest the client has, oldest first. */
	history: Report['history'];
	/** Routes that are new or changed. */
	routes: RouteReport[];
	/** The full warning list, present only when it changed. */
	warnings?: Warning[];
}

export type ServerMessage = StateMessage | DeltaMessage;

/** The overlay asks for a fresh `heapwatch:state` (e.g. after it dropped a message it could not read). */
export interface ResyncMessage {
	type: 'heapwatch:resync';
}

export type ClientMessage = ResyncMessage;

const NOT_FOUND_KEY = '(404)';
export const routeKey = (id: string | null): string => id ?? NOT_FOUND_KEY;

/** Warnings are derived from the report: a route whose verdict is `leak`. */
export function warningsOf(report: Report): Warning[] {
	return report.routes
		.filter((route) => route.verdict === 'leak')
		.map((route) => ({
			key: `leak:${routeKey(route.id)}`,
			kind: 'leak',
			routeId: route.id,
			retainedBytesPerRequest: route.retainedBytesPerRequest,
			source: route.sources[0] ?? null,
			flaggedAt: route.firstFlaggedAt
		}));
}

/** What one client last received, kept as JSON so that comparing is cheap and holds no live objects. */
export interface Snapshot {
	epoch: number;
	samples: number;
	lastSampleAt: number | null;
	newestHistoryAt: number;
	routes: Map<string, string>;
	warnings: string;
}

/** The current report in comparable form; computed once per tick and shared by all clients. */
export interface Encoded {
	report: Report;
	warnings: Warning[];
	snapshot: Snapshot;
}

export function encode(report: Report): Encoded {
	const warnings = warningsOf(report);
	const routes = new Map<string, string>();
	for (const route of report.routes) routes.set(routeKey(route.id), JSON.stringify(route));
	return {
		report,
		warnings,
		snapshot: {
			epoch: report.epoch,
			samples: report.samples,
			lastSampleAt: report.lastSample?.at ?? null,
			newestHistoryAt: report.history.at(-1)?.at ?? -Infinity,
			routes,
			warnings: JSON.stringify(warnings)
		}
	};
}

/** The delta that brings a client from `previous` to `current`, or null when nothing changed. */
export function deltaBetween(previous: Snapshot, current: Encoded): DeltaMessage | null {
	const next = current.snapshot;
	const routes = current.report.routes.filter((route) => previous.routes.get(routeKey(route.id)) !== next.routes.get(routeKey(route.id)));
	const warningsChanged = previous.warnings !== next.warnings;
	const sampleChanged = previous.lastSampleAt !== next.lastSampleAt || previous.samples !== next.samples || previous.epoch !== next.epoch;
	if (routes.length === 0 && !warningsChanged && !sampleChanged) return null;
	const delta: DeltaMessage = {
		type: 'heapwatch:delta',
		epoch: current.report.epoch,
		samples: current.report.samples,
		lastSample: current.report.lastSample,
		history: current.report.history.filter((entry) => entry.at > previous.newestHistoryAt),
		routes
	};
	if (warningsChanged) delta.warnings = current.warnings;
	return delta;
}

/** The client side of `deltaBetween`: a new state, the previous one left untouched. */
export function applyDelta(state: StateMessage, delta: DeltaMessage): StateMessage {
	const routes = new Map(state.report.routes.map((route) => [routeKey(route.id), route]));
	for (const route of delta.routes) routes.set(routeKey(route.id), route);
	return {
		type: 'heapwatch:state',
		report: {
			...state.report,
			epoch: delta.epoch,
			samples: delta.samples,
			lastSample: delta.lastSample,
			history: [...state.report.history, ...delta.history].slice(-HISTORY_KEPT),
			routes: [...routes.values()]
		},
		warnings: delta.warnings ?? state.warnings
	};
}

// ---------------------------------------------------------------------------------------------------
// Validation. Hand-written: the shapes are small and the overlay bundle should not carry a schema
// library. Each check returns false at the first field that is not what the type says.

type Check = (value: unknown) => boolean;

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber: Check = (value) => typeof value === 'number' && Number.isFinite(value);
const isString: Check = (value) => typeof value === 'string';
const orNull = (check: Check): Check => (value) => value === null || check(value);
const arrayOf = (check: Check): Check => (value) => Array.isArray(value) && value.every(check);
const shape = (fields: Record<string, Check>): Check => (value) =>
	isObject(value) && Object.entries(fields).every(([name, check]) => check(value[name]));

const verdicts: ReadonlySet<Verdict> = new Set(['warming', 'ok', 'leak']);
const isVerdict: Check = (value) => verdicts.has(value as Verdict);
const isSource = shape({ file: isString, line: isNumber });
const isSummary = shape({
	method: isString,
	status: isNumber,
	durationMs: isNumber,
	heapDeltaBytes: isNumber,
	externalDeltaBytes: isNumber,
	arrayBuffersDeltaBytes: isNumber,
	subRequest: (value) => typeof value === 'boolean'
});
const isRoute = shape({
	id: orNull(isString),
	requests: isNumber,
	verdict: isVerdict,
	retainedBytesPerRequest: isNumber,
	externalBytesPerRequest: isNumber,
	estimateRequests: isNumber,
	firstFlaggedAt: orNull(isNumber),
	handles: isNumber,
	sources: arrayOf(isSource),
	file: orNull(isString),
	last: orNull(isSummary),
	history: arrayOf(shape({ requests: isNumber, liveBytes: isNumber }))
});
const isHistory = arrayOf(shape({ at: isNumber, heapUsed: isNumber, external: isNumber }));
const isLastSample = orNull(
	shape({ heapUsed: isNumber, external: isNumber, arrayBuffers: isNumber, at: isNumber, gcMs: isNumber })
);
const isWarning = shape({
	key: isString,
	kind: (value) => value === 'leak',
	routeId: orNull(isString),
	retainedBytesPerRequest: isNumber,
	source: orNull(isSource),
	flaggedAt: orNull(isNumber)
});
const isReport = shape({
	version: (value) => value === 1,
	epoch: isNumber,
	samples: isNumber,
	lastSample: isLastSample,
	history: isHistory,
	routes: arrayOf(isRoute)
});
const isState = shape({ report: isReport, warnings: arrayOf(isWarning) });
const isDelta = shape({
	epoch: isNumber,
	samples: isNumber,
	lastSample: isLastSample,
	history: isHistory,
	routes: arrayOf(isRoute),
	warnings: (value) => value === undefined || arrayOf(isWarning)(value)
});

function parse(data: unknown, maxLength: number): Record<string, unknown> | null {
	if (typeof data !== 'string' || data.length > maxLength) return null;
	try {
		const value: unknown = JSON.parse(data);
		return isObject(value) ? value : null;
	} catch {
		return null;
	}
}

/** A message from the overlay, or null when it is not one (wrong shape, not JSON, too long). */
export function parseClientMessage(data: unknown): ClientMessage | null {
	const message = parse(data, MAX_CLIENT_MESSAGE_BYTES);
	return message?.type === 'heapwatch:resync' ? { type: 'heapwatch:resync' } : null;
}

/** A message from the server, or null when it is not one. */
export function parseServerMessage(data: unknown): ServerMessage | null {
	const message = parse(data, Infinity);
	if (message?.type === 'heapwatch:state' && isState(message)) return message as unknown as StateMessage;
	if (message?.type === 'heapwatch:delta' && isDelta(message)) return message as unknown as DeltaMessage;
	return null;
}
