// Heap growth that nothing places: no route, shared file or marker can be given it. It is never spread
// over the routes (that flagged clean routes of a real app, with no source); it is judged on its own,
// process-wide, against every route's requests, so that "the heap grows and heapwatch cannot say where"
// is said once instead of staying in report.json.
import { LiveBytesTrend } from '../estimator/live-bytes-trend.ts';
import type { UnplacedReport, Verdict } from '../protocol/report.ts';
import { clearingSlowly, fromTrend, judgeSubject, type Subject, type SubjectOptions } from './subject-verdict.ts';

/**
 * Requests of every route its estimate spans, and the fewest it is judged on. The dev server's heap
 * shrinks for a while after start-up (read as -29 KB per request after 20 requests of one clean
 * route, -8 after 140, measured): a window this long has left that behind before a leak is said.
 */
export const UNPLACED_WINDOW = 200;

/**
 * Its threshold, in route thresholds. It sums the whole dev server's drift, which a route's figure
 * does not: on 19 clean lab routes it read up to 2.0 ± 0.8 KB per request of every route (3.2 and
 * 4.6 KB before compiled code was left out), and a leak it should state reads high above it (a kept
 * event.fetch body of ~20 KB per request: 9-11 KB).
 */
const THRESHOLD_FACTOR = 2;

export interface UnplacedGrowthOptions extends SubjectOptions {
	onChange(unplaced: UnplacedReport, previous: Verdict): void;
}

export class UnplacedGrowth {
	#options: UnplacedGrowthOptions;
	#judging: SubjectOptions;
	#subject: Subject & { clearing: number } = {
		trend: new LiveBytesTrend(),
		estimate: undefined,
		sources: [],
		verdict: 'warming',
		firstFlaggedAt: null,
		clearing: 0
	};
	/** Growth and requests summed over the quiet intervals of this epoch. */
	#totals = { bytes: 0, requests: 0 };

	constructor(options: UnplacedGrowthOptions) {
		this.#options = options;
		this.#judging = {
			...options,
			leakThreshold: options.leakThreshold * THRESHOLD_FACTOR,
			minRequests: UNPLACED_WINDOW,
			trendWindow: () => Math.max(UNPLACED_WINDOW, options.trendWindow())
		};
	}

	/** A quiet interval (no warm-up, no busy sample) grew the heap by `bytes` that nothing placed, over `requests` of every route. */
	add(bytes: number, requests: number): void {
		this.#totals.bytes += bytes;
		this.#totals.requests += requests;
		const subject = this.#subject;
		subject.trend.add({ requests: this.#totals.requests, liveBytes: this.#totals.bytes, turnover: 0 });
		const told = judgeSubject(subject, { requests: this.#totals.requests, estimate: fromTrend, settle: clearingSlowly(subject) }, this.#judging);
		if (told !== undefined) this.#options.onChange(this.report()!, told);
	}

	/** After an edit or a sampling restart: earlier growth is not comparable. A stated leak is kept until judged again. */
	restartTrends(): void {
		this.#subject.trend.clear();
		this.#totals = { bytes: 0, requests: 0 };
	}

	report(): UnplacedReport | null {
		const { estimate, verdict, firstFlaggedAt } = this.#subject;
		if (!estimate) return null;
		return {
			bytesPerRequest: Math.round(estimate.bytesPerRequest),
			standardError: Math.round(estimate.standardError),
			requests: estimate.requests,
			verdict,
			firstFlaggedAt
		};
	}
}
