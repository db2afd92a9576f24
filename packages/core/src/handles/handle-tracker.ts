import { acquireAsyncHook, type AsyncHookLease, type InitCallback } from '../process/async-hook.ts';
import { requestStorage, type RequestContext } from '../request/request-context.ts';
import type { HandleSite, StaleHandleSite } from '../protocol.ts';
import { CallbackOwners, callbackSource, timerDelay } from './callback-owners.ts';
import { DueQueue } from './due-queue.ts';
import { calledByTooling, findCreationSite, parseStack, type CreationSite, type SiteFilter } from './creation-site.ts';
import { describeTimer, isRefed, isTimer, labelOf, runsWithin } from './resource-kinds.ts';
import { PendingOpens } from './pending-opens.ts';
import { RouteHandles } from './route-handles.ts';
import { SiteCounts, siteKey, type SiteOf } from './site-counts.ts';

export interface HandleTrackerOptions extends SiteFilter {
	/** How long after its response a resource must still be alive and ref'd to count as lingering. */
	graceMs: number;
	/** A route turned `leak` or back to `ok` for handles. */
	onVerdictChange(key: string): void;
	onError(error: unknown): void;
}

export interface HandlesOfRoute {
	handles: number;
	handleSites: HandleSite[];
	handleVerdict: 'ok' | 'leak';
	handlesPerRequest: number;
	handlesFlaggedAt: number | null;
}

/**
 * Enough frames to get from the init hook through Node's timer/net internals and a library or two
 * to the app's line. Each captured frame costs; an app frame deeper than this is not found. A `fetch`
 * opens its socket ~28 frames under the app's line on Node 24.21 and ~35 on Node 20.20 (undici's
 * dispatcher chain); a capture at 40 frames costs ~14 µs against ~9 µs at 24 (measured).
 */
const STACK_DEPTH = 40;
/** Resources tracked at once (pending, lingering, stale): the tracker's memory stays bounded. */
const MAX_TRACKED = 20_000;
/** Resources tracked per request: a request that opens thousands of files gets the first ones counted. */
const MAX_PER_REQUEST = 256;

/** How often lingering resources are checked for their end: the grace period, within these bounds. */
const POLL_MIN_MS = 100;
const POLL_MAX_MS = 1000;

const PENDING = 0;
const LINGERING = 1;
const STALE = 2;
const GONE = 3;

/** A request whose resources we watch; weakly keyed by its RequestContext. */
interface RequestRecord {
	key: string | undefined;
	ended: boolean;
	/** Its resources were Vite's own (the request never reached SvelteKit): nothing of it is tracked. */
	dropped: boolean;
	epoch: number;
	/** Resources created before the response ended, waiting for it. */
	waiting: Entry[];
	/** Set once one of its resources lingered: the route counts the request once. */
	left: boolean;
	/** Resources of it tracked now. */
	count: number;
	/** Its route's request count when it ended: what `handlesFlaggedAt` reports. */
	ordinal: number;
}

interface Entry {
	label: string;
	state: number;
	record: RequestRecord;
	/**
	 * Weakly held: a finished fs request or a closed socket that nothing else holds is collected, and
	 * that is how it ends for us. Timers and handles say so themselves (see isRefed).
	 */
	resource: WeakRef<object>;
	/** V8 formats (and Vite source-maps) a captured stack on first read: only for resources that linger. */
	trace: { stack?: string } | undefined;
	site: (SiteOf & { files: string[] }) | null | undefined;
	key: string | undefined;
}

/**
 * Which timers, sockets and other async resources each request creates, and which of them are still
 * alive after its response. The only async_hooks user in heapwatch: joins the process's one hook
 * (process/async-hook.ts, shared across Vite restarts) in `start()`, leaves it in `close()`. PROMISE
 * resources are not tracked (`trackPromises: false`, Node >= 24.9; older Nodes call init for
 * promises and we return at once).
 *
 * Only an `init` hook: a `destroy` hook would make Node call into JavaScript once more for every
 * resource the server creates (a hundred per page request in dev). Instead, lingering resources are
 * checked for liveness every poll period, a few at most per leak.
 *
 * A stack is captured only for tracked types created inside a request, at most STACK_DEPTH frames,
 * and formatted only if the resource outlives the grace period.
 */
export class HandleTracker {
	#options: HandleTrackerOptions;
	#hook: AsyncHookLease | undefined;
	#entries = new Set<Entry>();
	/** Lingering and stale entries: polled until they end. */
	#watched = new Set<Entry>();
	#poller: NodeJS.Timeout | undefined;
	#records = new WeakMap<RequestContext, RequestRecord>();
	#routes = new Map<string, RouteHandles>();
	#stale = new SiteCounts<{ route: string | null; epoch: number }>();
	#callbacks = new CallbackOwners();
	/**
	 * Entries waiting for their grace check, and routes whose request ended (so that per-request figures
	 * only count requests whose grace is over).
	 */
	#graceChecks: DueQueue<Entry | RouteHandles>;
	#epoch = 0;
	#closed = false;
	/** Watch one request in this many (1 while a person browses, more under sustained load). */
	#watchEvery = 1;
	#started = 0;
	/** Watched requests in flight: under load the hook is off while there are none. */
	#watchedInFlight = 0;
	/** The app's fs/promises opens waiting for their FileHandle (made outside any async context). */
	#opens = new PendingOpens();

	constructor(options: HandleTrackerOptions) {
		this.#options = options;
		this.#graceChecks = new DueQueue<Entry | RouteHandles>((item) => {
			if (item instanceof RouteHandles) item.requestChecked();
			else if (item.state === PENDING) this.#check(item);
		}, options.onError);
	}

	get tracked(): number {
		return this.#entries.size;
	}

	start(): void {
		if (this.#hook || this.#closed) return;
		const init = (_asyncId: number, type: string, _trigger: number, resource: object) => {
			if (type === 'FSREQPROMISE') return this.#noteOpen();
			const label = labelOf(type);
			if (label === undefined) return;
			// Inside a request only. Kit evaluates a route's modules before its handle runs (to read page
			// options), so the route is not known yet: Vite's own requests are told apart when they end.
			const context = requestStorage.getStore();
			if (context?.watchHandles) return this.#init(label, resource, context, captureStack(hook.caller));
			const open = label === 'FileHandle' && context === undefined ? this.#opens.claim() : undefined;
			if (open) this.#init(label, resource, open.context, open.trace);
		};
		const hook = acquireAsyncHook(init);
		this.#hook = hook;
		this.#setHook(true);
	}

	/**
	 * A request entered the server: whether to watch its timers and handles. Node calls the init hook
	 * for every async resource of every request (~35 per page request here, a microsecond or so each),
	 * so under sustained load only one request in `every` is watched and the hook is off in between:
	 * a route that leaves handles behind on every request is still flagged, after more requests.
	 */
	watch(): boolean {
		if (this.#watchEvery > 1 && this.#started++ % this.#watchEvery !== 0) return false;
		this.#watchedInFlight++;
		this.#setHook(true);
		return true;
	}

	/** A watched request (not a sub-request) left the server. */
	unwatch(): void {
		this.#watchedInFlight = Math.max(0, this.#watchedInFlight - 1);
		if (this.#watchEvery > 1 && this.#watchedInFlight === 0) this.#setHook(false);
	}

	/** Watch every request (1) or one in `every`; see watch(). */
	watchOneIn(every: number): void {
		this.#watchEvery = every;
		this.#started = 0;
		if (every === 1) this.#setHook(true);
	}

	#setHook(on: boolean): void {
		if (!this.#hook || this.#closed) return;
		// Enabling again is not a no-op: while Vite restarts, the server taking this request gets the hook.
		if (on) this.#hook.enable();
		else this.#hook.disable();
	}

	/** A request ended; `key` is its route, undefined when SvelteKit never handled it. */
	requestEnded(context: RequestContext, key: string | undefined): void {
		try {
			const dueAt = performance.now() + this.#options.graceMs;
			const route = key === undefined ? undefined : this.#route(key);
			if (route) {
				route.requestEnded();
				// Per-request figures count watched requests only.
				if (context.watchHandles) this.#graceChecks.add(route, dueAt);
			}
			const record = this.#records.get(context);
			if (!record) return;
			record.ended = true;
			record.key = key;
			record.ordinal = route?.requests ?? 0;
			if (key === undefined) {
				record.dropped = true;
				for (const entry of record.waiting) this.#forget(entry);
			} else {
				for (const entry of record.waiting) if (entry.state === PENDING) this.#graceChecks.add(entry, dueAt);
			}
			record.waiting = [];
		} catch (error) {
			this.#options.onError(error);
		}
	}

	/**
	 * Server modules were edited: their old instances stay in memory and their timers keep running.
	 * Live resources created by code in one of these files are moved to the stale list.
	 * Returns the newly stale sites.
	 */
	modulesReplaced(files: ReadonlySet<string>, epoch: number): StaleHandleSite[] {
		this.#epoch = epoch;
		const found = new SiteCounts<{ route: string | null; epoch: number }>();
		try {
			for (const entry of this.#entries.values()) {
				if (entry.state !== PENDING && entry.state !== LINGERING) continue;
				if (entry.state === PENDING && !this.#alive(entry)) continue;
				const site = this.#resolve(entry);
				if (!site || !site.files.some((file) => files.has(file))) continue;
				const route = entry.record.key ?? null;
				if (entry.state === LINGERING && entry.record.key !== undefined) this.#routes.get(entry.record.key)?.release(entry.key!);
				entry.state = STALE;
				this.#watch(entry);
				this.#stale.add(entry.key!, site, { route, epoch });
				found.add(entry.key!, site, { route, epoch });
			}
			for (const route of this.#routes.values()) route.newEpoch();
		} catch (error) {
			this.#options.onError(error);
		}
		return found.list();
	}

	describe(key: string): HandlesOfRoute {
		const route = this.#routes.get(key);
		return {
			handles: route?.live ?? 0,
			handleSites: route?.sites.list() ?? [],
			handleVerdict: route?.verdict ?? 'ok',
			handlesPerRequest: Math.round((route?.perRequest ?? 0) * 100) / 100,
			handlesFlaggedAt: route?.flaggedAt ?? null
		};
	}

	staleSites(): StaleHandleSite[] {
		return this.#stale.list();
	}

	close(): void {
		this.#closed = true;
		this.#hook?.release();
		this.#hook = undefined;
		this.#graceChecks.close();
		clearInterval(this.#poller);
		this.#entries.clear();
		this.#watched.clear();
	}

	/** An fs/promises request inside a watched request: an `open()` of the app's waits for its FileHandle. */
	#noteOpen(): void {
		const context = requestStorage.getStore();
		if (!context?.watchHandles || !this.#hook) return;
		const caller = this.#hook.caller;
		try {
			this.#opens.note(context, caller, () => captureStack(caller));
		} catch (error) {
			this.#options.onError(error);
		}
	}

	/** `trace`: the resource's creation stack, captured at once and formatted only if it lingers. */
	#init(label: string, resource: object, context: RequestContext, trace: { stack?: string }): void {
		try {
			let record = this.#records.get(context);
			if (!record) {
				record = { key: undefined, ended: false, dropped: false, epoch: this.#epoch, waiting: [], left: false, count: 0, ordinal: 0 };
				this.#records.set(context, record);
			}
			if (record.dropped || record.count >= MAX_PER_REQUEST || this.#entries.size >= MAX_TRACKED) return;
			// What cannot linger gets no stack: a timer born unref'd (a socket's idle timeout, Node's date
			// cache; unless ref()'d later, which is rare), an immediate, a one-shot timer due before the
			// grace ends. A native handle is not set up yet: it is looked at only at its grace check.
			if (isTimer(label) && (!isRefed(resource) || runsWithin(label, resource, this.#options.graceMs))) return;
			const callback = callbackSource(label, resource);
			const delay = timerDelay(resource);
			const tooling = callback === undefined ? undefined : this.#callbacks.isTooling(callback, delay);
			if (tooling) return;
			if (callback !== undefined && tooling === undefined && this.#learnOwner(callback, delay, trace)) return;
			record.count++;
			const entry: Entry = { label, state: PENDING, record, resource: new WeakRef(resource), trace, site: undefined, key: undefined };
			this.#entries.add(entry);
			// A timer callback of an ended request that starts another timer (polling with setTimeout).
			if (record.ended) this.#graceChecks.add(entry, performance.now() + this.#options.graceMs);
			else record.waiting.push(entry);
		} catch (error) {
			this.#options.onError(error);
		}
	}

	/** The first timer with this callback: formats its stack now to learn whose it is. True when the tooling's. */
	#learnOwner(callback: string, delay: number, trace: { stack?: string }): boolean {
		const tooling = calledByTooling(parseStack(trace.stack ?? ''), this.#options);
		this.#callbacks.learn(callback, delay, tooling);
		return tooling;
	}

	/** The resource, if it still exists and keeps the server busy. */
	#alive(entry: Entry): object | undefined {
		const resource = entry.resource.deref();
		return resource && isRefed(resource) ? resource : undefined;
	}

	/** A lingering or stale entry is polled until it ends; the poller runs only while there are some. */
	#watch(entry: Entry): void {
		this.#watched.add(entry);
		if (this.#poller || this.#closed) return;
		const period = Math.min(Math.max(this.#options.graceMs, POLL_MIN_MS), POLL_MAX_MS);
		this.#poller = requestStorage.exit(() => setInterval(() => this.#poll(), period).unref());
	}

	#poll(): void {
		try {
			for (const entry of this.#watched) if (!this.#alive(entry)) this.#ended(entry);
		} catch (error) {
			this.#options.onError(error);
		}
		if (this.#watched.size === 0) {
			clearInterval(this.#poller);
			this.#poller = undefined;
		}
	}

	/** A lingering or stale resource was cleared, closed or collected. */
	#ended(entry: Entry): void {
		if (entry.state === LINGERING && entry.record.key !== undefined) {
			const route = this.#routes.get(entry.record.key);
			if (route?.release(entry.key!)) this.#options.onVerdictChange(entry.record.key);
		} else if (entry.state === STALE) {
			this.#stale.remove(entry.key!);
		}
		this.#forget(entry);
	}

	#forget(entry: Entry): void {
		if (entry.state === GONE) return;
		entry.record.count--;
		entry.state = GONE;
		entry.trace = undefined;
		this.#entries.delete(entry);
		this.#watched.delete(entry);
	}

	/** The grace period is over: lingering if the resource is still alive, ref'd and the app's. */
	#check(entry: Entry): void {
		const site = this.#alive(entry) ? this.#resolve(entry) : null;
		if (!site || entry.record.key === undefined) return this.#forget(entry);
		entry.state = LINGERING;
		this.#watch(entry);
		const record = entry.record;
		const newRequest = !record.left;
		record.left = true;
		const route = this.#route(record.key!);
		if (route.linger(entry.key!, site, newRequest, record.epoch === this.#epoch, record.ordinal)) this.#options.onVerdictChange(record.key!);
	}

	/** Formats the captured stack once (Vite maps it to the original source) and finds the app's line. */
	#resolve(entry: Entry): (SiteOf & { files: string[] }) | null {
		if (entry.site !== undefined) return entry.site;
		const stack = entry.trace?.stack;
		entry.trace = undefined;
		const found: CreationSite | null = stack ? findCreationSite(parseStack(stack), this.#options) : null;
		entry.site = found && { ...describeTimer(entry.label, entry.resource.deref()), file: found.file, line: found.line, files: found.files };
		if (entry.site) entry.key = siteKey(entry.site);
		return entry.site;
	}

	#route(key: string): RouteHandles {
		let route = this.#routes.get(key);
		if (!route) {
			route = new RouteHandles();
			this.#routes.set(key, route);
		}
		return route;
	}
}

/** The stack below `hook` (the async_hooks init callback), unformatted: V8 formats it on first read. */
function captureStack(hook: InitCallback): { stack?: string } {
	const trace: { stack?: string } = {};
	const limit = Error.stackTraceLimit;
	Error.stackTraceLimit = STACK_DEPTH;
	try {
		Error.captureStackTrace(trace, hook);
	} finally {
		Error.stackTraceLimit = limit;
	}
	return trace;
}
