import { MAX_CLIENT_MESSAGE_BYTES } from './endpoints.ts';
import type { ClientMessage, DeltaMessage, ServerMessage, StateMessage } from './feed-messages.ts';
import type { FindingReport, RetainerCaptureStatus, RouteReport, Verdict } from './report.ts';
import type { Warning } from './warnings.ts';

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
