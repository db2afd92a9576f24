import type { MarkerKeyOfSize } from '../request/request-markers.ts';
import { UNPLACED } from './allocation-keys.ts';
import type { Place } from './profile-places.ts';
import type { Sample } from './sampling-profile.ts';

/**
 * Sums one read's live samples per key, given each one's place (profile-places.ts), and what changed
 * since the previous read: the live bytes, their turnover and where they were allocated. Samples no
 * route file places go to the request whose marker precedes them (request/request-markers.ts), or to
 * UNPLACED.
 */

/** Per key: sampled bytes alive now, and the sampled bytes that appeared or died since the last read. */
export interface LiveBytes {
	live: number;
	/** Each sample stands for ~samplingInterval bytes, so the noise of a change grows with this. */
	turnover: number;
	/**
	 * The part of the turnover that lasted: samples counted when they reach their second read, and again
	 * when one that had lasted dies. What a route keeps moves by these (a cache replacing entries is a
	 * random walk of them); an object alive at one read only (the last request's, not yet let go) is
	 * left out.
	 */
	lastingTurnover: number;
	/** Live bytes by allocation site (see siteKey), at most MAX_SITES_PER_KEY, largest first. */
	sites: Map<string, number>;
	/** The part of `live` placed by request markers rather than by a route file on the stack. */
	marked: number;
	/**
	 * What marker-placed samples stand for beyond their own bytes: each counts `weight - 1` more times,
	 * the weight its first read gave it (see LiveBytesTally.count). Added when it is placed and taken
	 * away when it dies, at that same weight, so a weight that changes from read to read makes no slope.
	 */
	extrapolated: number;
}

/** A key's weight at a read: how many requests each request its markers placed stands for. */
export type MarkerWeightOfKey = (key: string) => number;

const MAX_SITES_PER_KEY = 20;

/** How a live sample is counted at a read. */
interface Counting {
	key: string;
	/** Its allocation site (see siteKey), if the app's code is on its stack. */
	site: string | undefined;
	/** Placed by a request marker. */
	marked?: boolean;
	/**
	 * The key a marker gave it at its first read, counted from the next read that still finds it alive:
	 * what a request allocated and has not let go yet when the server goes quiet (a write in progress,
	 * a keep-alive socket's buffers) seldom outlives two reads; what it keeps does. Until then: UNPLACED.
	 */
	pending?: string;
	/** The weight its marker's read gave it (MarkerWeightOfKey); 1 unless placed by a marker. */
	weight?: number;
}

/** A live sample as counted at a read, remembered for the next one. */
interface Counted {
	key: string;
	size: number;
	marked: boolean;
	pending: string | undefined;
	weight: number;
	/** Reads that found it alive, this one included. */
	reads: number;
}

/** The latest marker allocated before `ordinal`, by binary search over markers sorted by ordinal. */
function markerBefore<T extends { ordinal: number }>(markers: T[], ordinal: number): T | undefined {
	let low = 0;
	let high = markers.length;
	while (low < high) {
		const middle = (low + high) >>> 1;
		if (markers[middle].ordinal < ordinal) low = middle + 1;
		else high = middle;
	}
	return low > 0 ? markers[low - 1] : undefined;
}

export class LiveBytesTally {
	/** The previous read's live samples, by ordinal: what appears or disappears between reads. */
	#previous = new Map<number, Counted>();

	/** Sampling started anew: the previous read's samples are gone, and none of them died. */
	forgetPrevious(): void {
		this.#previous.clear();
	}

	/**
	 * This read's live bytes per key. `keyOfMarker` names the request a marker sample stands for;
	 * `weightOfKey` how many requests of its route each marked request stands for.
	 */
	count(samples: Sample[], placeOfNode: Map<number, Place>, keyOfMarker?: MarkerKeyOfSize, weightOfKey?: MarkerWeightOfKey): Map<string, LiveBytes> {
		const previous = this.#previous;
		const totals = new Map<string, LiveBytes>();
		const totalOf = (key: string) => {
			let total = totals.get(key);
			if (!total) totals.set(key, (total = { live: 0, turnover: 0, lastingTurnover: 0, sites: new Map(), marked: 0, extrapolated: 0 }));
			return total;
		};
		const current = new Map<number, Counted>();
		const add = (sample: Sample, { key, site, marked = false, pending, weight = 1 }: Counting) => {
			const earlier = previous.get(sample.ordinal);
			const reads = (earlier?.reads ?? 0) + 1;
			current.set(sample.ordinal, { key, size: sample.size, marked, pending, weight, reads });
			const total = totalOf(key);
			total.live += sample.size;
			if (marked) {
				total.marked += sample.size;
				total.extrapolated += sample.size * (weight - 1);
			}
			// Counted when it comes to this key (a marked one from UNPLACED, at its second read) and when it dies.
			if (earlier?.key !== key) total.turnover += sample.size * (marked ? weight : 1);
			if (reads === 2) total.lastingTurnover += sample.size * (marked ? weight : 1);
			if (site) total.sites.set(site, (total.sites.get(site) ?? 0) + sample.size);
		};

		const markers: { ordinal: number; key: string | null }[] = [];
		const unplaced: { sample: Sample; site: string | undefined }[] = [];
		for (const sample of samples) {
			const place = placeOfNode.get(sample.nodeId);
			if (place === undefined) continue;
			if (place.marker) {
				const key = keyOfMarker?.(sample.size);
				if (key !== undefined) markers.push({ ordinal: sample.ordinal, key });
			} else if (place.key !== undefined) {
				add(sample, { key: place.key, site: place.site });
			} else if (place.innermost !== undefined) {
				// TOOLING (Vite's and heapwatch's own) is counted too: never a route's or a finding's, but
				// placed, so that its growth is not read as growth nothing places.
				add(sample, { key: place.innermost, site: place.site });
			} else {
				// Placed once, when first seen: it keeps that key for as long as it lives. A marker's key
				// counts from the second read that finds it alive (see Counting.pending).
				const earlier = previous.get(sample.ordinal);
				if (earlier?.pending) add(sample, { key: earlier.pending, site: place.site, marked: true, weight: earlier.weight });
				else if (earlier) add(sample, { key: earlier.key, site: place.site, marked: earlier.marked, weight: earlier.weight });
				else unplaced.push({ sample, site: place.site });
			}
		}
		markers.sort((a, b) => a.ordinal - b.ordinal);
		for (const { sample, site } of unplaced) {
			const pending = markerBefore(markers, sample.ordinal)?.key ?? undefined;
			add(sample, { key: UNPLACED, site, pending, weight: pending === undefined ? 1 : (weightOfKey?.(pending) ?? 1) });
		}

		for (const [ordinal, gone] of previous) {
			if (current.has(ordinal)) continue;
			const bytes = gone.size * (gone.marked ? gone.weight : 1);
			totalOf(gone.key).turnover += bytes;
			if (gone.reads >= 2) totalOf(gone.key).lastingTurnover += bytes;
		}
		this.#previous = current;
		for (const total of totals.values()) {
			if (total.sites.size > MAX_SITES_PER_KEY) {
				total.sites = new Map([...total.sites].sort((a, b) => b[1] - a[1]).slice(0, MAX_SITES_PER_KEY));
			}
		}
		return totals;
	}
}
