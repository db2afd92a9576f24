import { AsyncLocalStorage } from 'node:async_hooks';
import { memoryDeltasSince, type MemoryAtStart } from '../heap/memory.ts';
import type { RequestSummary } from '../protocol/report.ts';

/** One HTTP request as it passes through the dev server, from our middleware to its response. */
export interface RequestContext {
	method: string;
	startedAt: number;
	/**
	 * Memory as it started; null under sustained load, where it is not read (see Monitor.begin).
	 * arrayBuffers is read only when no other request was in flight: null says it did not start alone.
	 */
	before: MemoryAtStart;
	/** Requests started before this one, process-wide: tells whether another one started meanwhile. */
	sequence: number;
	/**
	 * Whether the timers and handles it creates are tracked: every request's, except under sustained
	 * load, where one request in ten is watched (see HandleTracker.watch).
	 */
	watchHandles: boolean;
	/** Its marker's id when it started alone (request-markers.ts): what it allocates is placed by it. */
	marker?: number;
	/**
	 * Its route: set when SvelteKit's handle runs (the request reached Kit, not a Vite module or asset
	 * request), or from its URL when the route hook could not be installed (see the plugin's routing).
	 */
	route?: { id: string | null };
}

/** The request a piece of server code runs for; propagates into handle, load, actions and +server. */
export const requestStorage = new AsyncLocalStorage<RequestContext>();

/** What a request did, as the report shows it: its status, how long it took, what memory it grew. */
export function summarizeRequest(context: RequestContext, status: number, subRequest: boolean, aborted: boolean): RequestSummary {
	const durationMs = performance.now() - context.startedAt;
	return { method: context.method, status, aborted, durationMs, ...memoryDeltasSince(context.before), subRequest };
}
