// The one verdict step of everything heapwatch judges, a route or a file shared by routes: its trend
// read as an estimate, the estimate as a verdict, and whether the change is worth telling. Kept in one
// place so that routes and shared files cannot drift apart in how they flag, clear and warn.
import type { LiveBytesTrend, TrendEstimate } from '../estimator/live-bytes-trend.ts';
import { nextVerdict, type RouteEstimate, type VerdictOptions } from '../estimator/verdict.ts';
import type { SourceLocation, Verdict } from '../protocol/report.ts';
import { allocationSources, type SourceOptions } from './allocation-sources.ts';

/** What is judged: a route, or a hooks, layout or instrumentation file measured against its routes' requests. */
export interface Subject {
	trend: LiveBytesTrend;
	estimate: RouteEstimate | undefined;
	/** Top allocation sites of the memory it keeps, resolved at the latest verdict. */
	sources: SourceLocation[];
	verdict: Verdict;
	firstFlaggedAt: number | null;
}

export interface SubjectOptions extends SourceOptions, VerdictOptions {
	/** The allocation sampling interval in force (it changes under load). */
	samplingInterval(): number;
	/** Requests a trend spans at that interval (see LoadGovernor.trendWindow). */
	trendWindow(): number;
}

export interface SubjectStep {
	/** Its requests so far: where a first leak verdict is recorded. */
	requests: number;
	/** Its estimate from its trend's; undefined keeps the one it had. */
	estimate(trend: TrendEstimate | undefined): RouteEstimate | undefined;
	/** The verdict once what else is known of it is weighed (module scope, a leak clearing slowly). */
	settle?(heap: Verdict, previous: Verdict): Verdict;
}

/** A subject's estimate from its trend alone: allocations sampled, no Buffers (those are a route's own, see route-verdicts.ts). */
export const fromTrend: SubjectStep['estimate'] = (trend) => trend && { ...trend, externalBytesPerRequest: 0 };

/**
 * A stated leak of a subject that sees everyone's noise (shared code, growth nothing places) clears only
 * after this many updates in a row below half the threshold: a finding cleared and warned again and
 * again while the growth goes on says nothing (seen: 8 warnings and 7 clears of one hooks file).
 */
const CLEAR_AFTER = 3;

/** The settle step of such a subject; `clearing` counts the updates in a row that would have cleared it. */
export function clearingSlowly(subject: { clearing: number }): NonNullable<SubjectStep['settle']> {
	return (next, previous) => {
		subject.clearing = previous === 'leak' && next === 'ok' ? subject.clearing + 1 : 0;
		return subject.clearing > 0 && subject.clearing < CLEAR_AFTER ? previous : next;
	};
}

/**
 * Updates a subject's estimate, sources and verdict; returns the verdict it had when the change is
 * worth telling, undefined otherwise. A subject that leaves `warming` for `ok` is not news: only a
 * leak, or a change away from a verdict already given, is.
 */
export function judgeSubject(subject: Subject, step: SubjectStep, options: SubjectOptions): Verdict | undefined {
	const trend = subject.trend.estimate(options.trendWindow(), options.samplingInterval());
	subject.estimate = step.estimate(trend) ?? subject.estimate;
	subject.sources = allocationSources(subject.trend, options);
	const previous = subject.verdict;
	const heap = nextVerdict(previous, subject.estimate, options);
	subject.verdict = step.settle?.(heap, previous) ?? heap;
	if (subject.verdict === previous) return undefined;
	if (subject.verdict === 'leak') subject.firstFlaggedAt ??= step.requests;
	return previous !== 'warming' || subject.verdict === 'leak' ? previous : undefined;
}
