import { acquireSamplingProfiler, type SamplingProfiler } from '../process/sampling-profiler.ts';
import { MARKER_FUNCTION, type MarkerKeyOfSize } from '../request/request-markers.ts';

/** One frame of an allocation stack, as V8's sampling heap profiler reports it. */
interface CallFrame {
	functionName: string;
	scriptId: string;
	url: string;
	lineNumber: number;
	columnNumber: number;
}

interface Sample {
	size: number;
	nodeId: number;
	ordinal: number;
}

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
	/** Live bytes by allocation site (see siteOf), at most MAX_SITES_PER_KEY, largest first. */
	sites: Map<string, number>;
	/** The part of `live` placed by request markers rather than by a route file on the stack. */
	marked: number;
	/**
	 * What marker-placed samples stand for beyond their own bytes: each counts `weight - 1` more times,
	 * the weight its first read gave it (see liveBytesByKey). Added when it is placed and taken away
	 * when it dies, at that same weight, so a weight that changes from read to read makes no slope.
	 */
	extrapolated: number;
}

/** A key's weight at a read: how many requests each request its markers placed stands for. */
export type MarkerWeightOfKey = (key: string) => number;

/**
 * Where an allocation was made: the innermost function of the app's own code on its stack. V8's
 * sampling profiler records functions, not lines: the position is where that function starts, in the
 * code V8 ran (0-based).
 */
export interface AllocationSite {
	url: string;
	functionName: string;
	line: number;
	column: number;
}

/** A site as a map key; `parseSite` reads it back. */
const siteKey = (site: AllocationSite) => [site.line, site.column, site.functionName, site.url].join('\0');
export function parseSite(key: string): AllocationSite {
	const [line, column, functionName, url] = key.split('\0');
	return { line: Number(line), column: Number(column), functionName, url };
}

const MAX_SITES_PER_KEY = 20;

/** A live sample as counted at a read. */
interface Counted {
	key: string;
	size: number;
	/** Placed by a request marker. */
	marked: boolean;
	/**
	 * The key a marker gave it at its first read, counted from the next read that still finds it alive:
	 * what a request allocated and has not let go yet when the server goes quiet (a write in progress,
	 * a keep-alive socket's buffers) seldom outlives two reads; what it keeps does. Until then: UNPLACED.
	 */
	pending?: string;
	/** The weight its marker's read gave it (MarkerWeightOfKey); 1 unless placed by a marker. */
	weight: number;
	/** Reads that found it alive, this one included. */
	reads: number;
}

interface Place {
	key: string | undefined;
	site: string | undefined;
	/** What the innermost frame with a script says when no route file does: TOOLING, an INSTRUMENTATION key, or nothing. */
	innermost: string | undefined;
	marker: boolean;
}

const isInnermostOnly = (key: string | undefined) => key === TOOLING || (key !== undefined && key.startsWith(INSTRUMENTATION));

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

interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	selfSize: number;
	children: ProfileNode[];
}

/**
 * Where a live allocation belongs: a key (a route id, or a shared source) chosen by the caller from its
 * stack; TOOLING for the dev server's own code (Vite, heapwatch).
 */
export type ClassifyScript = (url: string) => string | undefined;

/**
 * What a classifier returns for the dev tooling's own scripts. An allocation whose innermost script is
 * one of them, and with no route file on its stack, is nobody's: it is left out of every estimate.
 */
export const TOOLING = '(tooling)';

/**
 * Prefix of the key a classifier gives to what src/instrumentation.server.* loads (an SDK, an exporter).
 * Like TOOLING it is decided by the innermost frame with a script, and only when no route file is on
 * the stack: tracing wraps whole requests, and what runs inside is the route's.
 */
export const INSTRUMENTATION = 'instrumentation:';
/**
 * Live sampled bytes with no route file on their stack, allocated while no single request ran alone
 * (or before the first marker of a read): growth heapwatch cannot place. Never a route.
 */
export const UNPLACED = '(unplaced)';
/** Whether a script is the app's own code (not a library, Vite, Kit or Node), where a site is named. */
export type IsAppCode = (url: string) => boolean;

/** Scripts we remember the URL of; Vite evaluates one per module, so this is plenty. */
const MAX_SCRIPTS = 50_000;

/**
 * Samples allocations in-process with V8's sampling heap profiler (via node:inspector) and, right
 * after a forced GC, sums the sampled bytes still alive per key. Each allocation goes to the
 * innermost frame on its stack that the classifier recognises (a route's server file, hooks.server).
 *
 * Vite's module runner evaluates SSR modules with `new AsyncFunction`, so their frames have an empty
 * `url` in the profile; their `//# sourceURL=` (the module id) only shows in the Debugger domain's
 * scriptParsed events. Keeping the Debugger domain enabled costs ~8% throughput (measured), so it is
 * enabled only for a moment when a profile holds scripts we cannot name yet: enabling replays
 * scriptParsed for every loaded script, synchronously.
 *
 * The profiler and its inspector session are the process's (see process/sampling-profiler.ts): a
 * Vite restart runs two monitors at once for a moment.
 */
export class AllocationSampler {
	#profiler: SamplingProfiler;
	/** The profiler's generation at the previous read: a restart in between drops every sample. */
	#generation: number;
	#scripts = new Map<string, string>();
	/** Script ids that the Debugger did not name either (builtins, scripts without a URL). */
	#nameless = new Set<string>();
	#classify: ClassifyScript;
	#keyOfNode = new Map<number, string | null>();
	/** The previous read's live samples, by ordinal: what appears or disappears between reads. */
	#previous = new Map<number, Counted>();

	#isAppCode: IsAppCode;

	constructor(classify: ClassifyScript, samplingInterval: number, isAppCode: IsAppCode = () => false) {
		this.#classify = classify;
		this.#isAppCode = isAppCode;
		this.#profiler = acquireSamplingProfiler(samplingInterval);
		this.#generation = this.#profiler.generation;
		this.#profiler.on<{ scriptId: string; url: string }>('Debugger.scriptParsed', ({ params }) => {
			if (!params.url) return;
			if (this.#scripts.size >= MAX_SCRIPTS) this.#scripts.clear();
			this.#scripts.set(params.scriptId, params.url);
		});
	}

	/**
	 * Live sampled bytes per key. Call right after a full GC so that only retained objects remain.
	 * Allocations with no route file on their stack go to the request whose marker precedes them
	 * (see request/request-markers.ts), or to UNPLACED.
	 */
	liveBytesByKey(keyOfMarker?: MarkerKeyOfSize, weightOfKey?: MarkerWeightOfKey): Map<string, LiveBytes> {
		const { profile } = this.#post('HeapProfiler.getSamplingProfile') as { profile: { head: ProfileNode; samples: Sample[] } };
		if (this.#generation !== this.#profiler.generation) {
			this.#generation = this.#profiler.generation;
			this.#previous.clear();
		}
		this.#nameScripts(profile.head);
		const placeOfNode = new Map<number, Place>();
		type Walk = { node: ProfileNode; key: string | undefined; site: string | undefined; innermost: string | undefined; underTooling: boolean; marker: boolean };
		const stack: Walk[] = [{ node: profile.head, key: undefined, site: undefined, innermost: undefined, underTooling: false, marker: false }];
		while (stack.length > 0) {
			const { node, key: inherited, site: outerSite, innermost: outerInnermost, underTooling: outerTooling, marker: outerMarker } = stack.pop()!;
			const own = this.#keyOf(node);
			const innermostOnly = isInnermostOnly(own);
			const key = innermostOnly ? inherited : (own ?? inherited);
			const site = this.#siteOf(node) ?? outerSite;
			// The innermost frame with a script decides whether an allocation no route file places is the
			// instrumentation's. Any Vite or heapwatch frame on the stack makes it the tooling's: a
			// transform (Svelte's compiler under Vite's plugin container) or a module evaluation, not a request.
			const innermost = this.#urlOf(node) ? (innermostOnly ? own : undefined) : outerInnermost;
			const underTooling = outerTooling || own === TOOLING;
			const marker = outerMarker || node.callFrame.functionName === MARKER_FUNCTION;
			placeOfNode.set(node.id, { key, site, innermost: underTooling ? TOOLING : innermost, marker });
			for (const child of node.children) stack.push({ node: child, key, site, innermost, underTooling, marker });
		}

		const totals = new Map<string, LiveBytes>();
		const entry = (key: string) => {
			let total = totals.get(key);
			if (!total) totals.set(key, (total = { live: 0, turnover: 0, lastingTurnover: 0, sites: new Map(), marked: 0, extrapolated: 0 }));
			return total;
		};
		const current = new Map<number, Counted>();
		const add = (sample: Sample, key: string, site: string | undefined, marked = false, pending?: string, weight = 1) => {
			const earlier = this.#previous.get(sample.ordinal);
			const reads = (earlier?.reads ?? 0) + 1;
			current.set(sample.ordinal, { key, size: sample.size, marked, pending, weight, reads });
			const total = entry(key);
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
		for (const sample of profile.samples) {
			const place = placeOfNode.get(sample.nodeId);
			if (place === undefined) continue;
			if (place.marker) {
				const key = keyOfMarker?.(sample.size);
				if (key !== undefined) markers.push({ ordinal: sample.ordinal, key });
			} else if (place.key !== undefined) {
				add(sample, place.key, place.site);
			} else if (place.innermost !== undefined) {
				if (place.innermost !== TOOLING) add(sample, place.innermost, place.site);
			} else {
				// Placed once, when first seen: it keeps that key for as long as it lives. A marker's key
				// counts from the second read that finds it alive (see Counted.pending).
				const earlier = this.#previous.get(sample.ordinal);
				if (earlier?.pending) add(sample, earlier.pending, place.site, true, undefined, earlier.weight);
				else if (earlier) add(sample, earlier.key, place.site, earlier.marked, undefined, earlier.weight);
				else unplaced.push({ sample, site: place.site });
			}
		}
		markers.sort((a, b) => a.ordinal - b.ordinal);
		for (const { sample, site } of unplaced) {
			const pending = markerBefore(markers, sample.ordinal)?.key ?? undefined;
			add(sample, UNPLACED, site, false, pending, pending === undefined ? 1 : (weightOfKey?.(pending) ?? 1));
		}
		for (const [ordinal, gone] of this.#previous) {
			if (current.has(ordinal)) continue;
			const bytes = gone.size * (gone.marked ? gone.weight : 1);
			entry(gone.key).turnover += bytes;
			if (gone.reads >= 2) entry(gone.key).lastingTurnover += bytes;
		}
		this.#previous = current;
		for (const total of totals.values()) {
			if (total.sites.size > MAX_SITES_PER_KEY) {
				total.sites = new Map([...total.sites].sort((a, b) => b[1] - a[1]).slice(0, MAX_SITES_PER_KEY));
			}
		}
		return totals;
	}

	/** Learns the URLs of scripts seen in the profile for the first time. */
	#nameScripts(head: ProfileNode): void {
		const unknown = new Set<string>();
		const stack = [head];
		while (stack.length > 0) {
			const node = stack.pop()!;
			const { url, scriptId } = node.callFrame;
			if (!url && scriptId !== '0' && !this.#scripts.has(scriptId) && !this.#nameless.has(scriptId)) unknown.add(scriptId);
			for (const child of node.children) stack.push(child);
		}
		if (unknown.size === 0) return;
		try {
			this.#post('Debugger.enable');
		} finally {
			this.#post('Debugger.disable');
		}
		for (const scriptId of unknown) {
			if (this.#scripts.has(scriptId)) continue;
			if (this.#nameless.size >= MAX_SCRIPTS) this.#nameless.clear();
			this.#nameless.add(scriptId);
		}
		// Nodes classified before their script had a name are classified again.
		this.#keyOfNode.clear();
	}

	/**
	 * Starts sampling anew at another interval. V8 cannot change it in place, and what was sampled so
	 * far is dropped: live bytes read after this count only allocations made after it.
	 */
	restart(samplingInterval: number): void {
		this.#profiler.sampleEvery(samplingInterval);
	}

	/** Sampling stops when the last monitor of the process closes. */
	close(): void {
		this.#profiler.release();
	}

	#siteOf(node: ProfileNode): string | undefined {
		const url = this.#urlOf(node);
		if (!url || !this.#isAppCode(url)) return undefined;
		const { functionName, lineNumber: line, columnNumber: column } = node.callFrame;
		return siteKey({ url, functionName, line, column });
	}

	#urlOf(node: ProfileNode): string {
		return node.callFrame.url || this.#scripts.get(node.callFrame.scriptId) || '';
	}

	#keyOf(node: ProfileNode): string | undefined {
		let key = this.#keyOfNode.get(node.id);
		if (key === undefined) {
			const url = this.#urlOf(node);
			key = (url ? this.#classify(url) : undefined) ?? null;
			if (this.#keyOfNode.size >= MAX_SCRIPTS * 4) this.#keyOfNode.clear();
			this.#keyOfNode.set(node.id, key);
		}
		return key ?? undefined;
	}

	#post(method: string, params?: object): unknown {
		return this.#profiler.post(method, params);
	}
}
