/**
 * Checks of everything a client receives: the feed's messages (the report inside them) and a retainer
 * capture's status. Each check is typed against the type it checks (checks.ts `shape`), so TypeScript
 * fails when a field is added to one and not the other; the types keep their own docs in report.ts,
 * warnings.ts and feed-messages.ts.
 *
 * Why not a schema library (valibot) with the types derived from it: measured in December 2026 by
 * bundling each alone (vite, minified), the same checks written with valibot 1.5 (`v.object`,
 * `v.variant`, `v.is`) come to 13.5 KB, 3.2 KB gzipped, against 3.9 KB, 1.4 KB gzipped for this file
 * and checks.ts; overlay.js loads them on every page, where the whole overlay is 4.4 KB gzipped. They
 * would buy nothing these shapes need: the values are plain JSON (no transforms, no coercion), and a
 * client drops a malformed message whole, so it needs no error messages either. The link a library
 * gives between type and check, `shape` gives here at compile time, and the types stay plain
 * interfaces whose field docs show on hover.
 */
import { arrayOf, byKind, is, isBoolean, isNumber, isString, oneOf, optional, orNull, shape, type Fields } from './checks.ts';
import type { DeltaMessage, StateMessage } from './feed-messages.ts';
import type {
	FindingReport,
	HandleSite,
	KeptBy,
	Report,
	RequestSummary,
	RetainerCaptureStatus,
	RetainerStep,
	RouteReport,
	SourceLocation,
	StaleHandleSite,
	UnplacedReport,
	Verdict
} from './report.ts';
import type { Warning } from './warnings.ts';

const isVerdict = oneOf<Verdict>({ warming: true, ok: true, leak: true });
const sourceFields: Fields<SourceLocation> = { file: isString, line: isNumber, function: optional(isString), bytesPerRequest: optional(isNumber) };
const isSource = shape<SourceLocation>(sourceFields);
const handleSiteFields: Fields<HandleSite> = { ...sourceFields, type: isString, delayMs: optional(isNumber), count: isNumber };
const isHandleSite = shape<HandleSite>(handleSiteFields);
const isStaleHandleSite = shape<StaleHandleSite>({ ...handleSiteFields, route: orNull(isString), epoch: isNumber });
const isKeptBy = shape<KeptBy>({
	name: isString,
	kind: oneOf<KeptBy['kind']>({ Map: true, Set: true, Array: true, Object: true, EventEmitter: true, EventTarget: true }),
	file: isString,
	line: isNumber,
	entriesPerRequest: isNumber,
	entries: isNumber,
	unbounded: isBoolean,
	bytesPerRequest: optional(isNumber)
});
const isSummary = shape<RequestSummary>({
	method: isString,
	status: isNumber,
	aborted: isBoolean,
	durationMs: isNumber,
	heapDeltaBytes: orNull(isNumber),
	externalDeltaBytes: orNull(isNumber),
	arrayBuffersDeltaBytes: orNull(isNumber),
	subRequest: isBoolean
});
const isRoute = shape<RouteReport>({
	id: orNull(isString),
	requests: isNumber,
	verdict: isVerdict,
	retainedBytesPerRequest: isNumber,
	externalBytesPerRequest: isNumber,
	estimateRequests: isNumber,
	retainedStandardError: optional(orNull(isNumber)),
	firstFlaggedAt: orNull(isNumber),
	handles: isNumber,
	handleSites: arrayOf(isHandleSite),
	handleVerdict: oneOf<RouteReport['handleVerdict']>({ ok: true, leak: true }),
	handlesPerRequest: isNumber,
	handlesFlaggedAt: orNull(isNumber),
	abortedRequests: optional(isNumber),
	uncertain: optional(isBoolean),
	sources: arrayOf(isSource),
	file: orNull(isString),
	last: orNull(isSummary),
	history: arrayOf(shape<RouteReport['history'][number]>({ requests: isNumber, liveBytes: isNumber, lastingTurnover: isNumber })),
	keptBy: optional(arrayOf(isKeptBy))
});
const isFindingKind = oneOf<FindingReport['kind']>({ hooks: true, layout: true, 'shared-state': true, instrumentation: true });
const isBinding = shape<NonNullable<FindingReport['binding']>>({ name: isString, line: isNumber, writes: isNumber, writtenBy: arrayOf(isString) });
const isFinding = shape<FindingReport>({
	kind: isFindingKind,
	file: isString,
	verdict: isVerdict,
	retainedBytesPerRequest: isNumber,
	estimateRequests: isNumber,
	firstFlaggedAt: orNull(isNumber),
	sources: arrayOf(isSource),
	keptBy: optional(arrayOf(isKeptBy)),
	binding: optional(isBinding)
});
/** The report's fields that a delta carries as they are (feed-messages.ts DeltaMessage): checked alike in both. */
const tickFields: Fields<Pick<Report, 'epoch' | 'samples' | 'lastSample' | 'sampling' | 'history' | 'routes'>> = {
	epoch: isNumber,
	samples: isNumber,
	lastSample: orNull(
		shape<NonNullable<Report['lastSample']>>({ heapUsed: isNumber, external: isNumber, arrayBuffers: isNumber, at: isNumber, gcMs: isNumber })
	),
	sampling: shape<Report['sampling']>({ underLoad: isBoolean, allocationIntervalBytes: isNumber, busySampleAfterMs: isNumber, quietSpellsOnly: isBoolean }),
	history: arrayOf(shape<Report['history'][number]>({ at: isNumber, heapUsed: isNumber, external: isNumber })),
	routes: arrayOf(isRoute)
};
const isWarning = byKind<Warning>({
	leak: {
		key: isString,
		kind: is('leak'),
		routeId: orNull(isString),
		retainedBytesPerRequest: isNumber,
		source: orNull(isSource),
		keptBy: optional(isKeptBy),
		flaggedAt: orNull(isNumber)
	},
	handles: {
		key: isString,
		kind: is('handles'),
		routeId: orNull(isString),
		handlesPerRequest: isNumber,
		handles: isNumber,
		site: orNull(isHandleSite),
		flaggedAt: orNull(isNumber)
	},
	finding: {
		key: isString,
		kind: is('finding'),
		scope: isFindingKind,
		file: isString,
		retainedBytesPerRequest: isNumber,
		source: orNull(isSource),
		flaggedAt: orNull(isNumber),
		binding: optional(isBinding)
	},
	unplaced: { key: is('unplaced'), kind: is('unplaced'), retainedBytesPerRequest: isNumber, requests: isNumber, flaggedAt: orNull(isNumber) },
	'stale-handles': { key: isString, kind: is('stale-handles'), site: isStaleHandleSite }
});
const isReport = shape<Report>({
	version: is(1),
	...tickFields,
	staleHandles: arrayOf(isStaleHandleSite),
	findings: arrayOf(isFinding),
	process: shape<Report['process']>({ monitors: isNumber, allocationSampling: isBoolean, restarts: isNumber }),
	unplaced: optional(
		orNull(
			shape<UnplacedReport>({ bytesPerRequest: isNumber, standardError: isNumber, requests: isNumber, verdict: isVerdict, firstFlaggedAt: orNull(isNumber) })
		)
	)
});

export const isStateMessage = shape<StateMessage>({ type: is('heapwatch:state'), report: isReport, warnings: arrayOf(isWarning) });
export const isDeltaMessage = shape<DeltaMessage>({
	type: is('heapwatch:delta'),
	...tickFields,
	warnings: optional(arrayOf(isWarning)),
	findings: optional(arrayOf(isFinding)),
	staleHandles: optional(arrayOf(isStaleHandleSite))
});
export const isRetainerStatus = shape<RetainerCaptureStatus>({
	route: isString,
	state: oneOf<RetainerCaptureStatus['state']>({ waiting: true, capturing: true, done: true, failed: true }),
	requestsNeeded: isNumber,
	cost: shape<RetainerCaptureStatus['cost']>({ heapUsed: isNumber, pauseMs: isNumber, fileBytes: isNumber, snapshots: isNumber }),
	snapshots: arrayOf(isString),
	snapshotBytes: arrayOf(isNumber),
	pauseMs: arrayOf(isNumber),
	grown: arrayOf(shape<RetainerCaptureStatus['grown'][number]>({ name: isString, count: isNumber, selfBytes: isNumber })),
	path: arrayOf(shape<RetainerStep>({ edge: isString, node: isString, file: optional(isString), line: optional(isNumber) })),
	variable: orNull(shape<NonNullable<RetainerCaptureStatus['variable']>>({ name: isString, file: orNull(isString), line: optional(isNumber) })),
	message: isString
});
