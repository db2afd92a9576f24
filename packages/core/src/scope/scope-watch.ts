import path from 'node:path';
import type { FindingReport, KeptBy, Verdict } from '../protocol/report.ts';
import { addPoint, judgeGrowth, type Growth, type GrowthState, type GrowthTrack } from './entry-growth.ts';
import { measureValue, type Measured } from './measure-value.ts';
import { processListenerSites, watchProcessListeners } from './process-listeners.ts';
import { scopeRegistry, type ModuleScope, type ScopeRegistry } from './scope-registry.ts';
import { SharedState } from './shared-state.ts';
import { relativePath } from '../paths.ts';
import type { RoutePrefixOf } from '../routes/shared-keys.ts';

export interface ScopeWatchOptions {
	/** The app root: files are reported relative to it. */
	root: string;
	/** Directories of dev tooling besides Vite's and Kit's: listeners they add to `process` are not the app's. */
	tooling: string[];
	/**
	 * What a module belongs to: a route id for a route's own files, `hooks:<file>` or `layout:<file>`
	 * for code that runs under many routes, undefined for the rest (library modules of the app).
	 */
	classifyScript(url: string): string | undefined;
	/**
	 * The files that import a module (Vite's SSR module graph): a `#lib` module imported, directly or
	 * through other app modules, by one route's files (or one hooks or layout file) alone is that one's.
	 */
	importersOf?(file: string): Iterable<string>;
	/** The route id prefix a file's folder stands for (see routes/shared-keys.ts). */
	routePrefixOf: RoutePrefixOf;
	/** A shared-state finding appeared (or went away after an edit). */
	onFindingChange?(finding: FindingReport, previous: Verdict): void;
	onError(error: unknown): void;
}

/**
 * The owner's requests so far: a route key, `hooks:<file>` (every request) or `layout:<file>`. Not
 * reset by an edit: a module an edit replaces registers again, and only its collections start over.
 */
export type RequestsOf = (owner: string) => number;

interface Series {
	/** Absolute. */
	file: string;
	name: string;
	/** The binding's declaration; for listeners on `process`, the line that adds them. */
	line: number;
	kind: Measured['kind'];
	evicts: boolean;
	owner: string;
	/**
	 * Declared in a `#lib` module its owner imports: named as a keeper, but never holding the owner's
	 * heap verdict back while it fills. A client's or pool's bounded set (8 connections taken at once)
	 * is no cache of the route's, and held the verdict of a route leaking ~90 KB per request back for
	 * 80 requests (bench:detect).
	 */
	imported: boolean;
	track: GrowthTrack | undefined;
	growth: Growth;
	/** Sample count when last seen: a series no longer measured (a record key gone) is dropped. */
	seenAt: number;
}

/**
 * When a collection that fills holds its owner's heap verdict back (see verdictOf): while it gains
 * more than `entriesPerRequest` entries per request, and for `windows` estimate windows after it stops.
 */
const FILLING = { entriesPerRequest: 0.25, windows: 4 };

/**
 * Bounds on the watch's own memory and work, far above what an app reaches: route keys remembered,
 * collections watched at once (all modules together), and modules walked up the import graph to find
 * who a `#lib` module belongs to (past that, to no one).
 */
const BOUNDS = { routesSeen: 2000, series: 2000, importersWalked: 200 };

/**
 * Watches the app's server modules at module scope, at post-GC samples (never per request): the
 * entry counts of the collections their top-level bindings hold, related to the requests of the
 * route (or hooks, or layout) whose file declares them, and the writes requests make to their
 * top-level `let`s. Cost per sample: the bindings, a few nested collections each (see measure-value).
 */
export class ScopeWatch {
	#options: ScopeWatchOptions;
	#registry: ScopeRegistry;
	#series = new Map<string, Series>();
	/** The module instance each file's series were measured on: a new instance starts them over. */
	#instances = new Map<string, number>();
	#samples = 0;
	/**
	 * Per owner: whether one of its collections is filling with its requests now, and the owner's
	 * request count when one last reached a new high while it filled (see verdictOf).
	 */
	#fills = new Map<string, { filling: boolean; highAt: number; requests: number }>();
	/** Route keys that had requests: a module beside a route's files belongs to the one route under its folder. */
	#routesSeen = new Set<string>();
	#stopWatchingListeners: () => void;
	readonly sharedState: SharedState;

	constructor(options: ScopeWatchOptions) {
		this.#options = options;
		this.#registry = scopeRegistry();
		this.sharedState = new SharedState({ relative: (file) => this.#relative(file), onFindingChange: options.onFindingChange });
		this.#stopWatchingListeners = watchProcessListeners({ root: options.root, tooling: options.tooling });
	}

	close(): void {
		this.#stopWatchingListeners();
	}

	/** At a post-GC sample. `requestsSince`: each route's requests since the previous sample. */
	sample(requestsOf: RequestsOf, requestsSince: ReadonlyMap<string, number>): void {
		this.#samples++;
		for (const route of requestsSince.keys()) if (this.#routesSeen.size < BOUNDS.routesSeen) this.#routesSeen.add(route);
		for (const module of this.#registry.modules()) {
			const own = this.#ownerInRoutes(module.file);
			const owner = own ?? this.#soleImporter(module.file);
			if (this.#instances.get(module.file) !== module.instance) this.#replaced(module);
			try {
				if (owner !== undefined) this.#measure(module, owner, own === undefined, requestsOf(owner));
				this.sharedState.sample(module, owner, requestsSince);
			} catch (error) {
				this.#options.onError(error);
			}
		}
		try {
			this.#measureProcessListeners(requestsOf);
		} catch (error) {
			this.#options.onError(error);
		}
		for (const [key, series] of this.#series) if (series.seenAt !== this.#samples) this.#series.delete(key);
		this.#rememberFills();
	}

	/** Only a collection that fills with most requests (a cache keyed by them) can explain heap growth. */
	#rememberFills(): void {
		for (const fill of this.#fills.values()) fill.filling = false;
		for (const series of this.#series.values()) {
			const { track, growth, owner } = series;
			if (!track || series.imported) continue;
			let fill = this.#fills.get(owner);
			if (!fill) {
				if (this.#fills.size >= BOUNDS.routesSeen) continue;
				fill = { filling: false, highAt: -Infinity, requests: 0 };
				this.#fills.set(owner, fill);
			}
			fill.requests = Math.max(fill.requests, track.last.requests);
			// One that gains an entry now and then must not hold a heap leak back forever.
			if (growth.rise <= 0 || growth.entriesPerRequest < FILLING.entriesPerRequest) continue;
			if (growth.state === 'filling') fill.filling = true;
			fill.highAt = Math.max(fill.highAt, track.high.requests);
		}
	}

	/**
	 * The collections of an owner that grow with its requests (leak or filling), unbounded ones first.
	 * When one collection alone grows, the owner's retained bytes per request are its bytes per request.
	 */
	keptBy(owner: string, retainedBytesPerRequest?: number): KeptBy[] {
		const kept: KeptBy[] = [];
		for (const series of this.#series.values()) {
			if (series.owner !== owner || (series.growth.state !== 'leak' && series.growth.state !== 'filling')) continue;
			kept.push({
				name: series.name,
				kind: series.kind,
				file: this.#relative(series.file),
				line: series.line,
				entriesPerRequest: round(series.growth.entriesPerRequest),
				entries: series.growth.entries,
				unbounded: series.growth.state === 'leak'
			});
		}
		if (kept.length === 1 && retainedBytesPerRequest !== undefined && retainedBytesPerRequest > 0)
			kept[0].bytesPerRequest = Math.round(retainedBytesPerRequest);
		return kept.sort((a, b) => Number(b.unbounded) - Number(a.unbounded) || b.entriesPerRequest - a.entriesPerRequest);
	}

	/**
	 * The route's verdict with what its module scope shows. A collection that grows without bound is a
	 * leak whatever its size (tiny leaks by count). A heap verdict of `leak` waits while the route's
	 * collections are still filling, and is dropped while the growth it saw was a collection that then
	 * stopped: for FILLING.windows estimate windows after that stop, the heap estimate may still hold
	 * the fill (with few samples a window reaches back further than `window` requests, and the
	 * regression on request counts further still: an LRU of 16 was still estimated at ~135 KB per
	 * request 22 requests after it filled, in bench:detect's browsing profile).
	 */
	verdictOf(owner: string, heap: Verdict, previous: Verdict, window: number): Verdict {
		for (const series of this.#series.values()) if (series.owner === owner && series.growth.state === 'leak') return 'leak';
		// Remembered per owner, not per series: a module Vite evaluates again starts its series over
		// (a full LRU then reads as flat), but the heap estimate still holds the first instance's fill.
		const fill = this.#fills.get(owner);
		const filling = fill !== undefined && (fill.filling || fill.requests - fill.highAt < FILLING.windows * window);
		// The heap said leak, so there is an estimate: held back, the route is `ok`, not still warming.
		if (heap === 'leak' && filling && previous !== 'leak') return 'ok';
		return heap;
	}

	#measure(module: ModuleScope, owner: string, imported: boolean, requests: number): void {
		for (const binding of module.bindings) {
			let value: unknown;
			try {
				value = binding.read();
			} catch {
				continue; // Not initialised (a module that threw during evaluation).
			}
			for (const measured of measureValue(value, binding.name)) {
				const where = { file: module.file, name: measured.path, line: binding.line, kind: measured.kind, evicts: binding.evicts, owner, imported };
				this.#record(`${module.file}\0${measured.path}\0${measured.kind}`, where, requests, measured.entries);
			}
		}
	}

	/** Listeners that requests added to `process` (kit#13443): one series per route, event and adding line. */
	#measureProcessListeners(requestsOf: RequestsOf): void {
		for (const site of processListenerSites()) {
			const file = path.join(this.#options.root, site.file);
			const where = {
				file,
				name: `process.on('${site.event}')`,
				line: site.line,
				kind: 'EventEmitter' as const,
				evicts: false,
				owner: site.route,
				imported: false
			};
			this.#record(`process\0${site.route}\0${site.event}\0${file}:${site.line}`, where, requestsOf(site.route), site.count);
		}
	}

	#record(key: string, where: Omit<Series, 'track' | 'growth' | 'seenAt'>, requests: number, entries: number): void {
		let series = this.#series.get(key);
		if (!series) {
			if (this.#series.size >= BOUNDS.series) return;
			series = { ...where, track: undefined, growth: judgeGrowth(undefined, false, 'flat'), seenAt: 0 };
			this.#series.set(key, series);
		}
		series.seenAt = this.#samples;
		// Measured against the owner's requests: a sample with none of them replaces the last reading.
		series.track = addPoint(series.track, { requests, entries });
		series.growth = judgeGrowth(series.track, series.evicts, series.growth.state as GrowthState);
	}

	/**
	 * A `#lib` module belongs to the one owner whose files import it, directly or through other app
	 * modules (importersOf); one that many import belongs to none: in interleaved traffic nothing at
	 * sample time tells which of their requests grew it.
	 */
	#soleImporter(file: string): string | undefined {
		const importersOf = this.#options.importersOf;
		if (!importersOf) return undefined;
		let owner: string | undefined;
		const seen = new Set([file]);
		const queue = [file];
		while (queue.length > 0) {
			for (const importer of importersOf(queue.shift()!)) {
				if (seen.has(importer)) continue;
				if (seen.size >= BOUNDS.importersWalked) return undefined;
				seen.add(importer);
				const found = this.#ownerInRoutes(importer);
				if (found === undefined) queue.push(importer);
				else if (owner === undefined) owner = found;
				else if (owner !== found) return undefined;
			}
		}
		return owner;
	}

	/**
	 * A route's own files, hooks and layouts as the allocation sampler classifies them; another module
	 * under src/routes (a `*.remote.ts`, a helper beside `+page.server.ts`) belongs to the route its
	 * folder holds when it holds exactly one that took requests.
	 */
	#ownerInRoutes(file: string): string | undefined {
		const owner = this.#options.classifyScript(file);
		if (owner !== undefined) return owner;
		const prefix = this.#options.routePrefixOf(file);
		if (!prefix) return undefined;
		let found: string | undefined;
		for (const route of this.#routesSeen) {
			if (route !== prefix && !route.startsWith(`${prefix}/`)) continue;
			if (found !== undefined) return undefined;
			found = route;
		}
		return found;
	}

	#replaced(module: ModuleScope): void {
		this.#instances.set(module.file, module.instance);
		for (const [key, series] of this.#series) if (series.file === module.file) this.#series.delete(key);
		this.sharedState.replaced(module.file);
	}

	#relative(file: string): string {
		return relativePath(this.#options.root, file);
	}
}

const round = (value: number) => Math.round(value * 100) / 100;
