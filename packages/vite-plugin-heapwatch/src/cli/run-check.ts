import type { CheckRoute, ResolvedOptions } from '../options.ts';
import type { Report, RouteReport } from '@heapwatch/core';
import { decide, pool, type BatchEstimate, type Decision, type GateRule } from './decide.ts';
import { flagged } from './findings.ts';
import { fetchReport, send, sleep } from './traffic.ts';

export interface TargetResult {
	target: CheckRoute;
	/** Kit's route id as heapwatch attributed the request; null for a 404. */
	routeId: string | null;
	/** Status of the last request. */
	status: number;
	/** Measured requests sent (after warm-up). */
	runs: number;
	/** Requests abandoned or read slowly besides them (`--abort`). */
	abandoned: number;
	/** heapwatch's estimate after each batch that had a new one. */
	batches: BatchEstimate[];
	/** The route's request count at the latest post-GC sample its estimate rests on (-1: none yet). */
	estimatedAt: number;
	decision: Decision;
	/** The route as heapwatch reported it when the target was decided (or at the last batch). */
	route: RouteReport | undefined;
}

export interface Progress {
	(done: number, total: number, label: string): void;
}

/** Extra traffic sent beside each measured request (see abort-traffic.ts). */
export type SideTraffic = (base: string, target: CheckRoute) => Promise<void>;

// Between rounds the server is idle for a moment: heapwatch takes its post-GC samples then.
const PAUSE_MS = 100;
// Requests per target before measuring: the first ones compile the route's modules and JIT its code,
// and heapwatch's own warm-up (2 by default) is made for a person, not for a first batch that decides.
const WARMUP = 10;

/**
 * Warm-up, then batches of requests over every target still undecided, in turn. A batch is one
 * estimate window of the plugin (`window` requests), so that each batch's estimate rests on its own
 * requests; after each, the gate reads heapwatch's report and decides what it can (decide.ts).
 */
export async function runCheck(
	base: string,
	targets: CheckRoute[],
	rule: GateRule,
	options: ResolvedOptions,
	progress: Progress,
	side?: SideTraffic
): Promise<{ results: TargetResult[]; report: Report }> {
	const warmup = Math.max(WARMUP, options.warmupRequests);
	const total = targets.length * (warmup + rule.maxRuns);
	let done = 0;
	const results: TargetResult[] = [];
	for (const target of targets) {
		// The first request, alone, tells which route id heapwatch gives the target.
		const before = await fetchReport(base);
		let status = await send(base, target);
		progress(++done, total, `warming up ${target.url}`);
		const routeId = attributed(before, await fetchReport(base));
		for (let i = 1; i < warmup; i++) {
			status = await send(base, target);
			progress(++done, total, `warming up ${target.url}`);
		}
		results.push({ target, routeId, status, runs: 0, abandoned: 0, batches: [], estimatedAt: -1, decision: 'undecided', route: undefined });
	}
	let report = await fetchReport(base);
	let active = results;
	while (active.length > 0) {
		const size = Math.min(options.window, ...active.map((r) => rule.maxRuns - r.runs));
		for (let round = 0; round < size; round++) {
			for (const result of active) {
				result.status = await send(base, result.target);
				if (side) {
					await side(base, result.target);
					result.abandoned++;
				}
				result.runs++;
				progress(++done, total, result.target.url);
			}
			await sleep(PAUSE_MS);
		}
		report = await settle(base, options);
		for (const result of active) {
			const route = report.routes.find((r) => r.id === result.routeId);
			result.route = route;
			if (route && route.estimateRequests > 0 && typeof route.retainedStandardError === 'number') {
				const batch = { bytesPerRequest: route.retainedBytesPerRequest, standardError: route.retainedStandardError };
				// An estimate is new when a post-GC sample added a point to the route's trend since the last
				// batch; otherwise heapwatch still shows its last one, which counts once. (Equal figures are not
				// the test: a route that keeps nothing reads 0 ± the same error every time.)
				const at = route.history.at(-1)?.requests ?? -1;
				if (at !== result.estimatedAt) {
					result.batches.push(batch);
					result.estimatedAt = at;
				}
			}
			const { decision, final } = decide({ pooled: pool(result.batches), runs: result.runs, flagged: flagged(route) }, rule);
			result.decision = decision;
			if (final) done += rule.maxRuns - result.runs;
		}
		const leaving = active.filter((r) => r.decision === 'leak');
		active = active.filter((r) => r.decision === 'undecided' && r.runs < rule.maxRuns);
		// A leak no longer fed changes what the heap does under the others: their earlier batches shared it
		// with that leak's growth (measured: clean routes stayed undecided at max-runs in 15 of 20 lab runs
		// where the last leaks took 100-200 requests to decide). Their estimates start again from here.
		if (leaving.length > 0) for (const result of active) result.batches = [];
	}
	return { results, report };
}

/** Waits out the handle grace period and for a post-GC sample after the last request, so that every request counts. */
async function settle(base: string, options: ResolvedOptions): Promise<Report> {
	const finished = Date.now();
	await sleep(options.handleGrace + 200);
	let report = await fetchReport(base);
	for (const deadline = Date.now() + options.sampleInterval * 3 + 1000; (report.lastSample?.at ?? 0) < finished && Date.now() < deadline;) {
		await sleep(200);
		report = await fetchReport(base);
	}
	return report;
}

/** The route whose own (not sub-request) count went up between two reports. */
function attributed(before: Report, after: Report): string | null {
	const counts = new Map(before.routes.map((r) => [r.id, r.requests]));
	const grown = after.routes.filter((r) => r.requests > (counts.get(r.id) ?? 0));
	return (grown.find((r) => r.last && !r.last.subRequest) ?? grown[0])?.id ?? null;
}
