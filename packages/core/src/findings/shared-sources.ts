import type { LiveBytes } from '../heap/live-bytes-tally.ts';
import { LiveBytesTrend } from '../estimator/live-bytes-trend.ts';
import type { FindingReport, Verdict } from '../protocol/report.ts';
import { parseSharedKey, routesUnder, type RoutePrefixOf, type SharedKind } from '../routes/shared-keys.ts';
import { clearingSlowly, fromTrend, judgeSubject, type Subject, type SubjectOptions } from './subject-verdict.ts';

export interface SharedSourceOptions extends SubjectOptions {
	warmupRequests: number;
	routePrefixOf: RoutePrefixOf;
	onFindingChange(finding: SharedFinding, previous: Verdict): void;
}

/** A shared file's finding: never shared state (that one is the module-scope watch's). */
export type SharedFinding = FindingReport & { kind: SharedKind };

interface SharedSource extends Subject {
	kind: SharedKind;
	file: string;
	/** Route id prefix of the routes it runs under; null for every request (hooks, instrumentation). */
	prefix: string | null;
	turnover: number;
	/** Updates in a row that would have cleared a stated leak (see clearingSlowly). */
	clearing: number;
}

/** Shared sources come from layouts, hooks and instrumentation only, so this is a guard, not a limit anyone meets. */
const MAX_SHARED = 200;

/**
 * Code that runs under many routes (hooks.server handle, +layout.server load, what
 * instrumentation.server loads) and keeps memory there
 * is one finding on its own file, measured against the requests of all the routes it runs under,
 * never a leak of each of those routes: allocations under its frames are keyed to it, not to them.
 */
export class SharedSources {
	#sources = new Map<string, SharedSource>();
	#options: SharedSourceOptions;

	constructor(options: SharedSourceOptions) {
		this.#options = options;
	}

	/** After a post-GC sample: `requestsUnder(prefix)` counts this epoch's requests of the routes under a prefix. */
	update(live: Map<string, LiveBytes>, requestsUnder: (prefix: string | null) => number): void {
		for (const key of live.keys()) if (!this.#sources.has(key)) this.#add(key);
		for (const [key, source] of this.#sources) {
			const bytes = live.get(key);
			source.turnover += bytes?.turnover ?? 0;
			const requests = requestsUnder(source.prefix);
			if (requests <= this.#options.warmupRequests) continue;
			source.trend.add({ requests, liveBytes: bytes?.live ?? 0, turnover: source.turnover, sites: bytes?.sites });
			const told = judgeSubject(
				source,
				{
					requests,
					estimate: fromTrend,
					// Code that runs on every request sees the noise of every route.
					settle: clearingSlowly(source)
				},
				this.#options
			);
			if (told !== undefined) this.#options.onFindingChange(describe(source), told);
		}
	}

	/** After an edit or a sampling restart: earlier points are not comparable. */
	restartTrends(): void {
		for (const source of this.#sources.values()) {
			source.trend.clear();
			source.turnover = 0;
		}
	}

	report(): SharedFinding[] {
		return [...this.#sources.values()].map(describe);
	}

	anyLeaking(): boolean {
		for (const source of this.#sources.values()) if (source.verdict === 'leak') return true;
		return false;
	}

	#add(key: string): void {
		const shared = parseSharedKey(key);
		if (!shared || this.#sources.size >= MAX_SHARED) return;
		this.#sources.set(key, {
			...shared,
			prefix: routesUnder(key, this.#options.routePrefixOf)!,
			trend: new LiveBytesTrend(),
			turnover: 0,
			verdict: 'warming',
			estimate: undefined,
			firstFlaggedAt: null,
			sources: [],
			clearing: 0
		});
	}
}

function describe(source: SharedSource): SharedFinding {
	return {
		kind: source.kind,
		file: source.file,
		verdict: source.verdict,
		retainedBytesPerRequest: Math.round(source.estimate?.bytesPerRequest ?? 0),
		estimateRequests: source.estimate?.requests ?? 0,
		firstFlaggedAt: source.firstFlaggedAt,
		sources: source.sources
	};
}
