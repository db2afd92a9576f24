import type { HandleSite } from '../protocol/report.ts';
import { SiteCounts, type SiteOf } from './site-counts.ts';

/**
 * How many of a route's requests (since the last HMR edit) must each leave a handle alive before it
 * is flagged. One is not enough: the first request evaluates modules, and a module-level interval
 * started then is a singleton, not a leak. Three different requests leaving handles is a pattern.
 */
export const LEAK_REQUESTS = 3;

/** What a route's report says about its handles. */
export interface HandlesOfRoute {
	handles: number;
	handleSites: HandleSite[];
	handleVerdict: 'ok' | 'leak';
	handlesPerRequest: number;
	handlesFlaggedAt: number | null;
}

/** The figures of a route no handle was tracked for (or when handles are not tracked at all). */
export const NO_HANDLES: HandlesOfRoute = { handles: 0, handleSites: [], handleVerdict: 'ok', handlesPerRequest: 0, handlesFlaggedAt: null };

/** One route's lingering handles and its verdict on them. */
export class RouteHandles {
	readonly sites = new SiteCounts();
	verdict: 'ok' | 'leak' = 'ok';
	flaggedAt: number | null = null;
	/** Requests ended, all time. */
	requests = 0;
	/** Requests since the last HMR edit whose grace period is over. */
	#epochRequests = 0;
	#epochLingering = 0;
	#requestsLeaving = 0;

	get live(): number {
		return this.sites.total;
	}

	get perRequest(): number {
		return this.#epochRequests === 0 ? 0 : this.#epochLingering / this.#epochRequests;
	}

	describe(): HandlesOfRoute {
		return {
			handles: this.live,
			handleSites: this.sites.list(),
			handleVerdict: this.verdict,
			handlesPerRequest: Math.round(this.perRequest * 100) / 100,
			handlesFlaggedAt: this.flaggedAt
		};
	}

	requestEnded(): void {
		this.requests++;
	}

	/** The grace period of one of its requests is over: its handles, if any, have been counted. */
	requestChecked(): void {
		this.#epochRequests++;
	}

	/**
	 * A handle turned lingering. `newRequest`: the first of its request to do so; `currentEpoch`: its
	 * request started after the last HMR edit; `ordinal`: the route's request count when that request
	 * ended. True when the route just turned `leak`.
	 */
	linger(key: string, site: SiteOf, newRequest: boolean, currentEpoch: boolean, ordinal: number): boolean {
		this.sites.add(key, site, {});
		if (!currentEpoch) return false;
		this.#epochLingering++;
		if (newRequest) this.#requestsLeaving++;
		if (this.verdict === 'ok' && this.#requestsLeaving >= LEAK_REQUESTS) {
			this.verdict = 'leak';
			this.flaggedAt ??= ordinal;
			return true;
		}
		return false;
	}

	/** A lingering handle was cleared, closed or went stale. True when the route just turned `ok`. */
	release(key: string): boolean {
		this.sites.remove(key);
		if (this.verdict === 'leak' && this.live === 0) {
			this.verdict = 'ok';
			this.#requestsLeaving = 0;
			return true;
		}
		return false;
	}

	/** Server code was edited: count anew. */
	newEpoch(): void {
		this.#epochRequests = 0;
		this.#epochLingering = 0;
		this.#requestsLeaving = 0;
	}
}

/** Every route's RouteHandles, made when a route first ends a request. */
export class HandlesByRoute {
	#routes = new Map<string, RouteHandles>();

	get(key: string): RouteHandles | undefined {
		return this.#routes.get(key);
	}

	/** The route's RouteHandles, made now if it has none yet. */
	of(key: string): RouteHandles {
		let route = this.#routes.get(key);
		if (!route) {
			route = new RouteHandles();
			this.#routes.set(key, route);
		}
		return route;
	}

	describe(key: string): HandlesOfRoute {
		return this.#routes.get(key)?.describe() ?? NO_HANDLES;
	}

	/** Server code was edited: every route counts anew. */
	newEpoch(): void {
		for (const route of this.#routes.values()) route.newEpoch();
	}
}
