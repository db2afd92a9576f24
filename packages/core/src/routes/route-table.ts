// Every route that took requests, and what is counted of each: its requests (all time and this
// epoch), its last request, its live-bytes trend. Kept apart from how routes are judged and reported,
// so that the counts that feed both are decided here alone.
import { LiveBytesTrend } from '../estimator/live-bytes-trend.ts';
import type { LiveBytes } from '../heap/live-bytes-tally.ts';
import type { Subject } from '../findings/subject-verdict.ts';
import { routeKey } from '../protocol/naming.ts';
import type { RequestSummary } from '../protocol/report.ts';
import { routesUnder, type RoutePrefixOf } from './shared-keys.ts';

export interface RouteState extends Subject {
	id: string | null;
	requests: number;
	/** Requests since the last HMR edit: the first few are warm-up. */
	epochRequests: number;
	/** Sampled bytes of this route that appeared or died, summed over the epoch. */
	turnover: number;
	/** The part of it that lasted two samples (LiveBytes.lastingTurnover), summed over the epoch: what the gate's noise floor counts. */
	lastingTurnover: number;
	last: RequestSummary | null;
	/** Requests whose client left before the response ended. */
	aborted: number;
	changedSinceEstimate: boolean;
}

/** Route ids come from the file system, so this only guards against something odd upstream. */
const MAX_ROUTES = 1000;

export class RouteTable {
	/** Which routes a layout's folder stands for (see shared-keys.ts). */
	#routePrefixOf: RoutePrefixOf;
	#routes = new Map<string, RouteState>();

	constructor(routePrefixOf: RoutePrefixOf) {
		this.#routePrefixOf = routePrefixOf;
	}

	get(key: string): RouteState | undefined {
		return this.#routes.get(key);
	}

	[Symbol.iterator](): IterableIterator<[string, RouteState]> {
		return this.#routes.entries();
	}

	values(): IterableIterator<RouteState> {
		return this.#routes.values();
	}

	/** Counts a request of a route; undefined when the route is new and the table full (it is not counted). */
	record(id: string | null, summary: RequestSummary): RouteState | undefined {
		const key = routeKey(id);
		let route = this.#routes.get(key);
		if (!route) {
			if (this.#routes.size >= MAX_ROUTES) return undefined;
			route = {
				id,
				requests: 0,
				epochRequests: 0,
				verdict: 'warming',
				trend: new LiveBytesTrend(),
				sources: [],
				turnover: 0,
				lastingTurnover: 0,
				estimate: undefined,
				firstFlaggedAt: null,
				last: null,
				aborted: 0,
				changedSinceEstimate: false
			};
			this.#routes.set(key, route);
		}
		route.requests++;
		route.epochRequests++;
		route.last = summary;
		if (summary.aborted) route.aborted++;
		route.changedSinceEstimate = true;
		return route;
	}

	/** After a profile read: each route's live bytes join its trend once it is past warm-up. */
	addTrendPoints(live: Map<string, LiveBytes>, warmupRequests: number): void {
		for (const [key, route] of this.#routes) {
			const bytes = live.get(key);
			route.turnover += bytes?.turnover ?? 0;
			route.lastingTurnover += bytes?.lastingTurnover ?? 0;
			if (route.epochRequests >= warmupRequests && route.epochRequests > 0) {
				route.trend.add({
					requests: route.epochRequests,
					liveBytes: (bytes?.live ?? 0) + (bytes?.extrapolated ?? 0),
					turnover: route.turnover,
					lastingTurnover: route.lastingTurnover,
					sites: bytes?.sites
				});
			}
		}
	}

	/** Server code was edited: requests of the new module instances are counted from zero (with warm-up). */
	newEpoch(): void {
		for (const route of this.#routes.values()) route.epochRequests = 0;
	}

	/** Live-bytes trends start over: after an edit (new module instances) or a sampling restart. */
	restartTrends(): void {
		for (const route of this.#routes.values()) {
			route.trend.clear();
			route.turnover = 0;
			route.lastingTurnover = 0;
		}
	}

	/** Every route among `keys` is `ok` or ignored. */
	allOk(keys: string[], isIgnored: (id: string | null) => boolean): boolean {
		for (const key of keys) {
			const route = this.#routes.get(key);
			if (route && route.verdict !== 'ok' && !isIgnored(route.id)) return false;
		}
		return true;
	}

	/** This epoch's requests of the routes under a route id prefix ('' for all pages); null for every request. */
	requestsUnder(prefix: string | null): number {
		let total = 0;
		for (const route of this.#routes.values()) if (isUnder(route, prefix)) total += route.epochRequests;
		return total;
	}

	/**
	 * All requests so far of a route key, or of the routes a hooks or layout file runs under. Not this
	 * epoch's: an edit elsewhere leaves a module's collections as they were (a replaced module starts
	 * over on its own, see ScopeWatch).
	 */
	requestsOf(owner: string): number {
		const prefix = routesUnder(owner, this.#routePrefixOf);
		if (prefix === undefined) return this.#routes.get(owner)?.requests ?? 0;
		let total = 0;
		for (const route of this.#routes.values()) if (isUnder(route, prefix)) total += route.requests;
		return total;
	}
}

function isUnder(route: RouteState, prefix: string | null): boolean {
	return prefix === null || (route.id !== null && (prefix === '' || route.id === prefix || route.id.startsWith(`${prefix}/`)));
}
