import { findCreationSite, parseStack, type SiteFilter } from '../handles/creation-site.ts';
import { routeKey } from '../protocol/naming.ts';
import { requestStorage } from '../request/request-context.ts';
import { listenerCount } from './measure-value.ts';

/** Listeners on `process` that requests added and that are still there, per route, event and adding line. */
export interface ProcessListenerSite {
	route: string;
	event: string;
	/** Relative to the app root. */
	file: string;
	line: number;
	count: number;
}

interface AddedBy {
	route: string;
	event: string;
	file: string;
	line: number;
}

/** `process` is no module's binding, yet kit#13443 is 11 `uncaughtException` listeners, one per request. */
const IGNORED_EVENTS = new Set(['newListener', 'removeListener']);
/** Guards the cost of a sample on a process with very many listeners. */
const MAX_LISTENERS_READ = 10_000;
const describeOwn = Object.getOwnPropertyDescriptor;

let users = 0;
let filter: SiteFilter | undefined;
const sites = new WeakMap<object, AddedBy>();

/**
 * Process-wide, shared by the dev servers of a restart: while one is running, a `newListener`
 * listener on `process` notes the request's route and the app line of each listener added during a
 * request (one stack capture per listener added to `process`, nothing otherwise). Held weakly: a
 * removed listener takes its note with it.
 */
export function watchProcessListeners(siteFilter: SiteFilter): () => void {
	filter = siteFilter;
	if (users++ === 0) process.on('newListener', noteListener);
	let released = false;
	return () => {
		if (released) return;
		released = true;
		if (--users === 0) process.off('newListener', noteListener);
	};
}

function noteListener(event: string | symbol, listener: unknown): void {
	if (typeof event !== 'string' || IGNORED_EVENTS.has(event) || typeof listener !== 'function' || !filter) return;
	const route = requestStorage.getStore()?.route;
	if (!route) return;
	// From the caller of process.on down: this function's own frame is in our package (tooling).
	const holder: { stack?: string } = {};
	Error.captureStackTrace(holder, noteListener);
	const site = findCreationSite(parseStack(holder.stack ?? ''), filter);
	if (site) sites.set(listener, { route: routeKey(route.id), event, file: site.file, line: site.line });
}

/** The noted listeners on `process` now, read from its own `_events` record (no method of the app's runs). */
export function processListenerSites(): ProcessListenerSite[] {
	const events = describeOwn(process, '_events')?.value as Record<string, unknown> | undefined;
	if (!events || typeof events !== 'object' || listenerCount(process) === 0) return [];
	const counts = new Map<string, ProcessListenerSite>();
	let read = 0;
	for (const event of Object.keys(events)) {
		if (IGNORED_EVENTS.has(event)) continue;
		const value = describeOwn(events, event)?.value as unknown;
		for (const listener of typeof value === 'function' ? [value] : Array.isArray(value) ? value : []) {
			if (++read > MAX_LISTENERS_READ) break;
			// A `once` listener is stored wrapped; the wrapper's `listener` is the function that was added.
			const added = sites.get(listener as object) ?? sites.get(describeOwn(listener, 'listener')?.value as object);
			if (!added) continue;
			const key = `${added.route}\0${added.event}\0${added.file}:${added.line}`;
			const site = counts.get(key);
			if (site) site.count++;
			else counts.set(key, { ...added, count: 1 });
		}
	}
	return [...counts.values()];
}
