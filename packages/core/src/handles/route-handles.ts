import { SiteCounts, type SiteOf } from './site-counts.ts';

/**
 * How many of a route's requests (since the last HMR edit) must each leave a handle alive before it
 * is flagged. One is not enough: the first request evaluates modules, and a module-level interval
 * started then is a singleton, not a leak. Three different requests leaving handles is a pattern.
 */
export const LEAK_REQUESTS = 3;

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
