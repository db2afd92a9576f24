import { acquireAsyncHook, type AsyncHookLease } from '../process/async-hook.ts';
import { requestStorage, type RequestContext } from '../request/request-context.ts';
import type { StaleHandleSite } from '../protocol/report.ts';
import { CallbackOwners, callbackSource, timerDelay } from './callback-owners.ts';
import { captureStack, type CapturedStack } from './capture-stack.ts';
import { DueQueue } from './due-queue.ts';
import { calledByTooling, parseStack, type SiteFilter } from './creation-site.ts';
import { LivenessPoller } from './liveness-poller.ts';
import { isRefed, isTimer, labelOf, runsWithin } from './resource-kinds.ts';
import { PendingOpens } from './pending-opens.ts';
import { HandlesByRoute, RouteHandles, type HandlesOfRoute } from './route-handles.ts';
import { SiteCounts } from './site-counts.ts';
import { aliveResource, siteOfResource, trackedResource, watchedRequest, type TrackedResource, type WatchedRequest } from './tracked-resource.ts';

export interface HandleTrackerOptions extends SiteFilter {
	/** How long after its response a resource must still be alive and ref'd to count as lingering. */
	graceMs: number;
	/** A route turned `leak` or back to `ok` for handles. */
	onVerdictChange(key: string): void;
	/** A resource started lingering, or a lingering or stale one ended: what describe() says changed. */
	onChange?(): void;
	onError(error: unknown): void;
}

/** Resources tracked at once (pending, lingering, stale): the tracker's memory stays bounded. */
const MAX_TRACKED = 20_000;
/** Resources tracked per request: a request that opens thousands of files gets the first ones counted. */
const MAX_PER_REQUEST = 256;

/**
 * Which timers, sockets and other async resources each request creates, and which of them are still
 * alive after its response. The only async_hooks user in heapwatch: joins the process's one hook
 * (process/async-hook.ts, shared across Vite restarts) in `start()`, leaves it in `close()`. PROMISE
 * resources are not tracked (`trackPromises: false`, Node >= 24.9; older Nodes call init for
 * promises and we return at once).
 *
 * Only an `init` hook: a `destroy` hook would make Node call into JavaScript once more for every
 * resource the server creates (a hundred per page request in dev). Instead, lingering resources are
 * checked for liveness every poll period (liveness-poller.ts), a few at most per leak.
 *
 * A stack is captured only for tracked types created inside a request, at most STACK_DEPTH frames
 * (capture-stack.ts), and formatted only if the resource outlives the grace period.
 */
export class HandleTracker {
	#options: HandleTrackerOptions;
	#hook: AsyncHookLease | undefined;
	#entries = new Set<TrackedResource>();
	/** Lingering and stale entries, until they end. */
	#poller: LivenessPoller<TrackedResource>;
	#requests = new WeakMap<RequestContext, WatchedRequest>();
	#routes = new HandlesByRoute();
	#stale = new SiteCounts<{ route: string | null; epoch: number }>();
	#callbacks = new CallbackOwners();
	/**
	 * Entries waiting for their grace check, and routes whose request ended (so that per-request figures
	 * only count requests whose grace is over).
	 */
	#graceChecks: DueQueue<TrackedResource | RouteHandles>;
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
		this.#graceChecks = new DueQueue<TrackedResource | RouteHandles>((item) => {
			if (item instanceof RouteHandles) item.requestChecked();
			else if (item.state === 'pending') this.#check(item);
		}, options.onError);
		this.#poller = new LivenessPoller<TrackedResource>({
			graceMs: options.graceMs,
			isAlive: (entry) => aliveResource(entry) !== undefined,
			onEnded: (entry) => this.#ended(entry),
			onError: options.onError
		});
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
			const route = key === undefined ? undefined : this.#routes.of(key);
			if (route) {
				route.requestEnded();
				// Per-request figures count watched requests only.
				if (context.watchHandles) this.#graceChecks.add(route, dueAt);
			}
			const request = this.#requests.get(context);
			if (!request) return;
			request.ended = true;
			request.key = key;
			request.ordinal = route?.requests ?? 0;
			if (key === undefined) {
				request.dropped = true;
				for (const entry of request.waiting) this.#forget(entry);
			} else {
				for (const entry of request.waiting) if (entry.state === 'pending') this.#graceChecks.add(entry, dueAt);
			}
			request.waiting = [];
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
				if (entry.state !== 'pending' && entry.state !== 'lingering') continue;
				if (entry.state === 'pending' && !aliveResource(entry)) continue;
				const site = siteOfResource(entry, this.#options);
				if (!site || !site.files.some((file) => files.has(file))) continue;
				const route = entry.request.key ?? null;
				if (entry.state === 'lingering' && entry.request.key !== undefined) this.#routes.get(entry.request.key)?.release(entry.key!);
				entry.state = 'stale';
				this.#poller.add(entry);
				this.#stale.add(entry.key!, site, { route, epoch });
				found.add(entry.key!, site, { route, epoch });
			}
			this.#routes.newEpoch();
		} catch (error) {
			this.#options.onError(error);
		}
		return found.list();
	}

	describe(key: string): HandlesOfRoute {
		return this.#routes.describe(key);
	}

	staleSites(): StaleHandleSite[] {
		return this.#stale.list();
	}

	close(): void {
		this.#closed = true;
		this.#hook?.release();
		this.#hook = undefined;
		this.#graceChecks.close();
		this.#poller.close();
		this.#entries.clear();
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
	#init(label: string, resource: object, context: RequestContext, trace: CapturedStack): void {
		try {
			let request = this.#requests.get(context);
			if (!request) {
				request = watchedRequest(this.#epoch);
				this.#requests.set(context, request);
			}
			if (request.dropped || request.count >= MAX_PER_REQUEST || this.#entries.size >= MAX_TRACKED) return;
			// What cannot linger gets no stack: a timer born unref'd (a socket's idle timeout, Node's date
			// cache; unless ref()'d later, which is rare), an immediate, a one-shot timer due before the
			// grace ends. A native handle is not set up yet: it is looked at only at its grace check.
			if (isTimer(label) && (!isRefed(resource) || runsWithin(label, resource, this.#options.graceMs))) return;
			const callback = callbackSource(label, resource);
			const delay = timerDelay(resource);
			const tooling = callback === undefined ? undefined : this.#callbacks.isTooling(callback, delay);
			if (tooling) return;
			if (callback !== undefined && tooling === undefined && this.#learnOwner(callback, delay, trace)) return;
			request.count++;
			const entry = trackedResource(label, resource, request, trace);
			this.#entries.add(entry);
			// A timer callback of an ended request that starts another timer (polling with setTimeout).
			if (request.ended) this.#graceChecks.add(entry, performance.now() + this.#options.graceMs);
			else request.waiting.push(entry);
		} catch (error) {
			this.#options.onError(error);
		}
	}

	/** The first timer with this callback: formats its stack now to learn whose it is. True when the tooling's. */
	#learnOwner(callback: string, delay: number, trace: CapturedStack): boolean {
		const tooling = calledByTooling(parseStack(trace.stack ?? ''), this.#options);
		this.#callbacks.learn(callback, delay, tooling);
		return tooling;
	}

	/** A lingering or stale resource was cleared, closed or collected. */
	#ended(entry: TrackedResource): void {
		if (entry.state === 'lingering' && entry.request.key !== undefined) {
			const route = this.#routes.get(entry.request.key);
			if (route?.release(entry.key!)) this.#options.onVerdictChange(entry.request.key);
		} else if (entry.state === 'stale') {
			this.#stale.remove(entry.key!);
		}
		this.#forget(entry);
		this.#options.onChange?.();
	}

	#forget(entry: TrackedResource): void {
		if (entry.state === 'gone') return;
		entry.request.count--;
		entry.state = 'gone';
		entry.trace = undefined;
		this.#entries.delete(entry);
		this.#poller.delete(entry);
	}

	/** The grace period is over: lingering if the resource is still alive, ref'd and the app's. */
	#check(entry: TrackedResource): void {
		const site = aliveResource(entry) ? siteOfResource(entry, this.#options) : null;
		const request = entry.request;
		if (!site || request.key === undefined) return this.#forget(entry);
		entry.state = 'lingering';
		this.#poller.add(entry);
		const newRequest = !request.left;
		request.left = true;
		const route = this.#routes.of(request.key);
		if (route.linger(entry.key!, site, newRequest, request.epoch === this.#epoch, request.ordinal)) this.#options.onVerdictChange(request.key);
		this.#options.onChange?.();
	}
}
