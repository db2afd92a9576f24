/**
 * The feed sends each client what changed since its last message: the server encodes the report once
 * per tick and diffs it against what every client last got; the overlay applies the delta.
 */
import { HISTORY_KEPT } from './endpoints.ts';
import type { DeltaMessage, StateMessage } from './feed-messages.ts';
import { routeKey } from './naming.ts';
import type { Report } from './report.ts';
import { warningsOf, type Warning } from './warnings.ts';

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
