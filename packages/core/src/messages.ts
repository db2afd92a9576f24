/**
 * The overlay's live feed: what the dev server sends to the page and the page to the server, over the
 * websocket (or the event-stream fallback in middleware mode). Both ends import these types and
 * validate every message they receive, so a malformed frame is dropped, never trusted.
 * No Node or DOM imports here: the overlay bundles this file.
 */
import type { FindingReport, HandleSite, KeptBy, Report, RetainerCaptureStatus, RouteReport, SourceLocation, StaleHandleSite, Verdict } from './protocol.ts';

export type * from './protocol.ts';
export { describeHandle } from './handles/describe-handle.ts';
export { formatBytes } from './format-bytes.ts';

/** Every endpoint of heapwatch's, after Vite's `base`; one guard stands in front of them all. */
export const OWN_PREFIX = '__heapwatch/';
/** Websocket path. */
export const SOCKET_PATH = `${OWN_PREFIX}ws`;
/** Server-sent events path (fallback when Vite has no HTTP server of its own). */
export const EVENTS_PATH = `${OWN_PREFIX}events`;
/** `GET`: every route's state, as JSON (protocol.ts Report). */
export const REPORT_PATH = `${OWN_PREFIX}report.json`;
/** `POST ?route=` starts a retainer capture, `GET ?route=` reads it. */
export const RETAINERS_PATH = `${OWN_PREFIX}retainers`;
/** `GET <file>`: a capture's heap snapshot, for Chrome DevTools. */
export const SNAPSHOTS_PATH = `${OWN_PREFIX}snapshots/`;
/** Largest message a client may send. Larger frames close the connection before they are buffered. */
export const MAX_CLIENT_MESSAGE_BYTES = 1024;
/** Post-GC samples the overlay keeps for its process sparkline (the server keeps as many). */
export const HISTORY_KEPT = 120;

/** Something the overlay lists under "warnings" and counts on its badge. */
export type Warning = LeakWarning | HandlesWarning | FindingWarning | StaleHandlesWarning;

/** A route whose requests keep memory: its verdict is `leak`. */
export interface LeakWarning {
	/** Stable across messages: the same warning keeps its key. */
	key: string;
	kind: 'leak';
	routeId: string | null;
	retainedBytesPerRequest: number;
	/** Where most of the retained memory is allocated, when known. */
	source: SourceLocation | null;
	/** The module-scope collection that keeps it, when one grows with the route's requests. */
	keptBy?: KeptBy;
	/** The route's request count when it was flagged. */
	flaggedAt: number | null;
}

/** A route whose requests leave timers or other handles alive: its handleVerdict is `leak`. */
export interface HandlesWarning {
	key: string;
	kind: 'handles';
	routeId: string | null;
	handlesPerRequest: number;
	/** Alive now. */
	handles: number;
	/** Where most of them are created, when known. */
	site: HandleSite | null;
	flaggedAt: number | null;
}

/** Code shared by many routes (hooks.server, a +layout.server) that keeps memory on every request it runs for. */
export interface FindingWarning {
	key: string;
	kind: 'finding';
	/** `hooks` runs on every request; `layout` on every route under the layout. */
	scope: FindingReport['kind'];
	file: string;
	retainedBytesPerRequest: number;
	source: SourceLocation | null;
	flaggedAt: number | null;
	/** For `shared-state`: the module-level binding that requests reassign. */
	binding?: FindingReport['binding'];
}

/** Handles created by a module instance that an HMR edit replaced, still running. */
export interface StaleHandlesWarning {
	key: string;
	kind: 'stale-handles';
	site: StaleHandleSite;
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

/** The requests that matched no route (404) are one bucket, with no route id: its key in maps. */
const NOT_FOUND_KEY = '(404)';
export const routeKey = (id: string | null): string => id ?? NOT_FOUND_KEY;
/** Whether a keeper's entries are listeners (an EventEmitter's or an EventTarget's), as the terminal and the overlay say. */
export const countsListeners = (keeper: Pick<KeptBy, 'kind'>): boolean => keeper.kind === 'EventEmitter' || keeper.kind === 'EventTarget';
/** How a route is named to a person, in the terminal and the overlay: the 404 bucket has no id. */
export const routeLabel = (id: string | null): string => id ?? '404 (no route)';

/**
 * Warnings are derived from the report: routes whose verdict or handleVerdict is `leak`, shared code
 * (hooks, layouts) whose verdict is `leak`, and handles left running by replaced modules.
 */
export function warningsOf(report: Report): Warning[] {
	const warnings: Warning[] = [];
	for (const route of report.routes) {
		if (route.verdict === 'leak') {
			warnings.push({
				key: `leak:${routeKey(route.id)}`,
				kind: 'leak',
				routeId: route.id,
				retainedBytesPerRequest: route.retainedBytesPerRequest,
				source: route.sources[0] ?? null,
				...(route.keptBy?.[0] && { keptBy: route.keptBy[0] }),
				flaggedAt: route.firstFlaggedAt
			});
		}
		if (route.handleVerdict === 'leak') {
			warnings.push({
				key: `handles:${routeKey(route.id)}`,
				kind: 'handles',
				routeId: route.id,
				handlesPerRequest: route.handlesPerRequest,
				handles: route.handles,
				site: route.handleSites[0] ?? null,
				flaggedAt: route.handlesFlaggedAt
			});
		}
	}
	for (const finding of report.findings) {
		if (finding.verdict !== 'leak') continue;
		warnings.push({
			key: finding.binding ? `finding:${finding.file}:${finding.binding.name}` : `finding:${finding.file}`,
			kind: 'finding',
			scope: finding.kind,
			file: finding.file,
			retainedBytesPerRequest: finding.retainedBytesPerRequest,
			source: finding.sources[0] ?? null,
			flaggedAt: finding.firstFlaggedAt,
			...(finding.binding && { binding: finding.binding })
		});
	}
	// One per site; the same site reported twice (it should not be) is merged so that keys stay unique.
	const stale = new Map<string, StaleHandlesWarning>();
	for (const site of report.staleHandles) {
		const key = `stale-handles:${site.epoch}:${routeKey(site.route)}:${site.type}:${site.file}:${site.line}`;
		const seen = stale.get(key);
		if (seen) seen.site = { ...seen.site, count: seen.site.count + site.count };
		else stale.set(key, { key, kind: 'stale-handles', site });
	}
	warnings.push(...stale.values());
	return warnings;
}

/** What one client last received, kept as JSON so that comparing is cheap and holds no live objects. */
export interface Snapshot {
	epoch: number;
	samples: number;
	lastSampleAt: number | null;
	newestHistoryAt: number;
	routes: Map<string, string>;
	warnings: string;
	findings: string;
	staleHandles: string;
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
			warnings: JSON.stringify(warnings),
			findings: JSON.stringify(report.findings),
			staleHandles: JSON.stringify(report.staleHandles)
		}
	};
}

/** The delta that brings a client from `previous` to `current`, or null when nothing changed. */
export function deltaBetween(previous: Snapshot, current: Encoded): DeltaMessage | null {
	const next = current.snapshot;
	const routes = current.report.routes.filter((route) => previous.routes.get(routeKey(route.id)) !== next.routes.get(routeKey(route.id)));
	const warningsChanged = previous.warnings !== next.warnings;
	const findingsChanged = previous.findings !== next.findings;
	const staleChanged = previous.staleHandles !== next.staleHandles;
	const sampleChanged = previous.lastSampleAt !== next.lastSampleAt || previous.samples !== next.samples || previous.epoch !== next.epoch;
	if (routes.length === 0 && !warningsChanged && !findingsChanged && !staleChanged && !sampleChanged) return null;
	const delta: DeltaMessage = {
		type: 'heapwatch:delta',
		epoch: current.report.epoch,
		samples: current.report.samples,
		lastSample: current.report.lastSample,
		sampling: current.report.sampling,
		history: current.report.history.filter((entry) => entry.at > previous.newestHistoryAt),
		routes
	};
	if (warningsChanged) delta.warnings = current.warnings;
	if (findingsChanged) delta.findings = current.report.findings;
	if (staleChanged) delta.staleHandles = current.report.staleHandles;
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
			sampling: delta.sampling,
			history: [...state.report.history, ...delta.history].slice(-HISTORY_KEPT),
			routes: [...routes.values()],
			findings: delta.findings ?? state.report.findings,
			staleHandles: delta.staleHandles ?? state.report.staleHandles
		},
		warnings: delta.warnings ?? state.warnings
	};
}

// ---------------------------------------------------------------------------------------------------
// Validation. Hand-written: the shapes are small and the overlay bundle should not carry a schema
// library. Each check returns false at the first field that is not what the type says.

type Check = (value: unknown) => boolean;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber: Check = (value) => typeof value === 'number' && Number.isFinite(value);
const isString: Check = (value) => typeof value === 'string';
const orNull =
	(check: Check): Check =>
	(value) =>
		value === null || check(value);
const arrayOf =
	(check: Check): Check =>
	(value) =>
		Array.isArray(value) && value.every(check);
const shape =
	(fields: Record<string, Check>): Check =>
	(value) =>
		isObject(value) && Object.entries(fields).every(([name, check]) => check(value[name]));

const isBoolean: Check = (value) => typeof value === 'boolean';
const optional =
	(check: Check): Check =>
	(value) =>
		value === undefined || check(value);
const oneOf =
	<T>(...values: T[]): Check =>
	(value) =>
		values.includes(value as T);

const isVerdict = oneOf<Verdict>('warming', 'ok', 'leak');
const isSource = shape({ file: isString, line: isNumber, function: optional(isString), bytesPerRequest: optional(isNumber) });
const handleSiteFields = { file: isString, line: isNumber, type: isString, delayMs: optional(isNumber), count: isNumber };
const isHandleSite = shape(handleSiteFields);
const isStaleHandleSite = shape({ ...handleSiteFields, route: orNull(isString), epoch: isNumber });
const isSummary = shape({
	method: isString,
	status: isNumber,
	aborted: isBoolean,
	durationMs: isNumber,
	heapDeltaBytes: orNull(isNumber),
	externalDeltaBytes: orNull(isNumber),
	arrayBuffersDeltaBytes: orNull(isNumber),
	subRequest: isBoolean
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
	handleSites: arrayOf(isHandleSite),
	handleVerdict: oneOf<RouteReport['handleVerdict']>('ok', 'leak'),
	handlesPerRequest: isNumber,
	handlesFlaggedAt: orNull(isNumber),
	sources: arrayOf(isSource),
	file: orNull(isString),
	last: orNull(isSummary),
	history: arrayOf(shape({ requests: isNumber, liveBytes: isNumber }))
});
const isFindingKind = oneOf<FindingReport['kind']>('hooks', 'layout', 'shared-state', 'instrumentation');
const isFinding = shape({
	kind: isFindingKind,
	file: isString,
	verdict: isVerdict,
	retainedBytesPerRequest: isNumber,
	estimateRequests: isNumber,
	firstFlaggedAt: orNull(isNumber),
	sources: arrayOf(isSource)
});
const isHistory = arrayOf(shape({ at: isNumber, heapUsed: isNumber, external: isNumber }));
const isSampling = shape({ underLoad: isBoolean, allocationIntervalBytes: isNumber, busySampleAfterMs: isNumber });
const isLastSample = orNull(shape({ heapUsed: isNumber, external: isNumber, arrayBuffers: isNumber, at: isNumber, gcMs: isNumber }));
const warningShapes: Record<Warning['kind'], Check> = {
	leak: shape({ routeId: orNull(isString), retainedBytesPerRequest: isNumber, source: orNull(isSource), flaggedAt: orNull(isNumber) }),
	handles: shape({ routeId: orNull(isString), handlesPerRequest: isNumber, handles: isNumber, site: orNull(isHandleSite), flaggedAt: orNull(isNumber) }),
	finding: shape({ scope: isFindingKind, file: isString, retainedBytesPerRequest: isNumber, source: orNull(isSource), flaggedAt: orNull(isNumber) }),
	'stale-handles': shape({ site: isStaleHandleSite })
};
const isWarning: Check = (value) =>
	isObject(value) && isString(value.key) && Object.hasOwn(warningShapes, value.kind as string) && warningShapes[value.kind as Warning['kind']](value);
const isReport = shape({
	version: (value) => value === 1,
	epoch: isNumber,
	samples: isNumber,
	lastSample: isLastSample,
	sampling: isSampling,
	history: isHistory,
	routes: arrayOf(isRoute),
	staleHandles: arrayOf(isStaleHandleSite),
	findings: arrayOf(isFinding),
	process: shape({ monitors: isNumber, allocationSampling: isBoolean, restarts: isNumber })
});
const isState = shape({ report: isReport, warnings: arrayOf(isWarning) });
const isDelta = shape({
	epoch: isNumber,
	samples: isNumber,
	lastSample: isLastSample,
	sampling: isSampling,
	history: isHistory,
	routes: arrayOf(isRoute),
	warnings: optional(arrayOf(isWarning)),
	findings: optional(arrayOf(isFinding)),
	staleHandles: optional(arrayOf(isStaleHandleSite))
});
const isRetainerStatus = shape({
	route: isString,
	state: oneOf<RetainerCaptureStatus['state']>('waiting', 'capturing', 'done', 'failed'),
	requestsNeeded: isNumber,
	cost: shape({ heapUsed: isNumber, pauseMs: isNumber, fileBytes: isNumber, snapshots: isNumber }),
	snapshots: arrayOf(isString),
	snapshotBytes: arrayOf(isNumber),
	pauseMs: arrayOf(isNumber),
	grown: arrayOf(shape({ name: isString, count: isNumber, selfBytes: isNumber })),
	path: arrayOf(shape({ edge: isString, node: isString, file: optional(isString), line: optional(isNumber) })),
	variable: orNull(shape({ name: isString, file: orNull(isString), line: optional(isNumber) })),
	message: isString
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

/**
 * The body of `GET {base}__heapwatch/retainers?route=` (or of the POST that starts a capture), or null
 * when it is not a capture's status (an error body, say).
 */
export function parseRetainerStatus(value: unknown): RetainerCaptureStatus | null {
	return isRetainerStatus(value) ? (value as RetainerCaptureStatus) : null;
}
