/**
 * The entry-count rule: whether a module-scope collection grows with a route's requests without
 * bound. Heap figures cannot tell "grows forever" from "grows to 25 entries"; entry counts can,
 * once the collection has grown past what a small cache, a memo over a few keys or a lazily built
 * singleton ever reach. Each point is one post-GC sample: the owner's requests so far
 * and the collection's entries then.
 */
export interface GrowthPoint {
	requests: number;
	entries: number;
}

/** All the rule needs of a collection's history: three points, whatever the number of samples. */
export interface GrowthTrack {
	first: GrowthPoint;
	/** The first point with the most entries. */
	high: GrowthPoint;
	last: GrowthPoint;
}

/**
 * `flat`: never rose above its first count. `filling`: rising, not (yet) enough to call it a leak.
 * `filled`: rose, then stopped (no new high for `flatRequests` requests). `leak`: rose by at least
 * `minGrowth` entries in step with the requests and is still rising.
 */
export type GrowthState = 'flat' | 'filling' | 'filled' | 'leak';

export const GROWTH_RULE = {
	/** Net new entries before a collection is called a leak. Past every fixed-key memo and small cache. */
	minGrowth: 8,
	/** The same where the module removes entries from it (an LRU, a TTL cache): it may be bounded higher. */
	minGrowthIfEvicts: 64,
	/** Requests of the owner it must have risen over: a burst at start-up is not a trend. */
	minRisingRequests: 8,
	/** "In step with the requests": at least one new entry per this many of the owner's requests. */
	requestsPerEntry: 20,
	/** A collection with no new high over this many of the owner's requests has stopped growing... */
	flatRequests: 8,
	/** ...and a leak is cleared after twice as many (so that one pause does not clear it). */
	clearRequests: 16
};

export interface Growth {
	state: GrowthState;
	/** Entries now. */
	entries: number;
	/** Net new entries since the first point. */
	rise: number;
	/** New entries per request of the owner while it rose (first point to latest high). */
	entriesPerRequest: number;
	/** The owner's requests since the collection last reached a new high. */
	flatFor: number;
}

export function judgeGrowth(track: GrowthTrack | undefined, evicts: boolean, previous: GrowthState): Growth {
	if (!track) return { state: 'flat', entries: 0, rise: 0, entriesPerRequest: 0, flatFor: 0 };
	const { first, high, last } = track;
	const rise = high.entries - first.entries;
	const risingOver = high.requests - first.requests;
	const entriesPerRequest = risingOver > 0 ? rise / risingOver : 0;
	const flatFor = last.requests - high.requests;
	const growth = { entries: last.entries, rise, entriesPerRequest, flatFor };
	if (rise <= 0) return { state: 'flat', ...growth };
	if (previous === 'leak') return { state: flatFor >= GROWTH_RULE.clearRequests ? 'filled' : 'leak', ...growth };
	if (flatFor >= GROWTH_RULE.flatRequests) return { state: 'filled', ...growth };
	const enough = rise >= (evicts ? GROWTH_RULE.minGrowthIfEvicts : GROWTH_RULE.minGrowth) && risingOver >= GROWTH_RULE.minRisingRequests;
	const inStep = entriesPerRequest * GROWTH_RULE.requestsPerEntry >= 1;
	return { state: enough && inStep ? 'leak' : 'filling', ...growth };
}

/** The track with one more point; a second reading at the same request count replaces the last. */
export function addPoint(track: GrowthTrack | undefined, point: GrowthPoint): GrowthTrack {
	if (!track) return { first: point, high: point, last: point };
	if (point.requests === track.last.requests && track.high === track.last && point.entries < track.high.entries) {
		// The high was this very reading: it was lower in fact.
		track.high = track.first.entries >= point.entries ? track.first : point;
	}
	track.last = point;
	if (point.entries > track.high.entries) track.high = point;
	return track;
}
