import type { CapturedStack } from './capture-stack.ts';
import { findCreationSite, parseStack, type SiteFilter } from './creation-site.ts';
import { describeTimer, isRefed } from './resource-kinds.ts';
import { siteKey, type SiteOf } from './site-counts.ts';

/**
 * What the handle tracker keeps for each request it watches and each resource such a request made:
 * the records, the states a resource goes through, and the two questions asked of one (is it still
 * alive, which app line made it). The tracker (handle-tracker.ts) moves resources between states.
 */

/**
 * Where a tracked resource is in its life:
 * - `pending`: made inside a request, waiting for that request's response and then its grace period;
 * - `lingering`: alive, ref'd and the app's after the grace period: counted for its route, polled;
 * - `stale`: its code was replaced by an HMR edit while it lived: counted as stale, polled;
 * - `gone`: ended, or never the app's: forgotten.
 */
export type ResourceState = 'pending' | 'lingering' | 'stale' | 'gone';

/** A request whose resources we watch; weakly keyed by its RequestContext. */
export interface WatchedRequest {
	/** Its route, once it ended; undefined before, or when SvelteKit never handled it. */
	key: string | undefined;
	ended: boolean;
	/** Its resources were Vite's own (the request never reached SvelteKit): nothing of it is tracked. */
	dropped: boolean;
	/** The HMR epoch it started in: only resources of requests of the current epoch count towards a verdict. */
	epoch: number;
	/** Resources created before the response ended, waiting for it. */
	waiting: TrackedResource[];
	/** Set once one of its resources lingered: the route counts the request once. */
	left: boolean;
	/** Resources of it tracked now. */
	count: number;
	/** Its route's request count when it ended: what `handlesFlaggedAt` reports. */
	ordinal: number;
}

export function watchedRequest(epoch: number): WatchedRequest {
	return { key: undefined, ended: false, dropped: false, epoch, waiting: [], left: false, count: 0, ordinal: 0 };
}

/** The app line that made a resource, and every app file on its stack (an edit of one makes it stale). */
export type ResourceSite = SiteOf & { files: string[] };

export interface TrackedResource {
	label: string;
	state: ResourceState;
	request: WatchedRequest;
	/**
	 * Weakly held: a finished fs request or a closed socket that nothing else holds is collected, and
	 * that is how it ends for us. Timers and handles say so themselves (see isRefed).
	 */
	resource: WeakRef<object>;
	/** V8 formats (and Vite source-maps) a captured stack on first read: only for resources that linger. */
	trace: CapturedStack | undefined;
	/** undefined until resolved (see siteOfResource), null when no app line made it. */
	site: ResourceSite | null | undefined;
	/** siteKey of `site`, once resolved to one. */
	key: string | undefined;
}

export function trackedResource(label: string, resource: object, request: WatchedRequest, trace: CapturedStack): TrackedResource {
	return { label, state: 'pending', request, resource: new WeakRef(resource), trace, site: undefined, key: undefined };
}

/** The resource, if it still exists and keeps the server busy. */
export function aliveResource(entry: TrackedResource): object | undefined {
	const resource = entry.resource.deref();
	return resource && isRefed(resource) ? resource : undefined;
}

/**
 * Formats the captured stack once (Vite maps it to the original source) and finds the app's line;
 * remembered on the entry, whose stack is dropped.
 */
export function siteOfResource(entry: TrackedResource, filter: SiteFilter): ResourceSite | null {
	if (entry.site !== undefined) return entry.site;
	const stack = entry.trace?.stack;
	entry.trace = undefined;
	const found = stack ? findCreationSite(parseStack(stack), filter) : null;
	entry.site = found && { ...describeTimer(entry.label, entry.resource.deref()), file: found.file, line: found.line, files: found.files };
	if (entry.site) entry.key = siteKey(entry.site);
	return entry.site;
}
