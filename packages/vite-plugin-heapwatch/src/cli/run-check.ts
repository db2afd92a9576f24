import type { CheckRoute, ResolvedOptions } from '../options.ts';
import type { Report, RouteReport } from '@heapwatch/core';
import { decide, type Decision, type GateEstimate, type GateRule } from './decide.ts';
import { flagged } from './findings.ts';
import { fetchReport, send, sleep, type CheckedServer } from './traffic.ts';
import { roundsOf } from './rounds.ts';
import { trendEstimate } from './trend.ts';

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
	/** The trend the decision rests on (trend.ts), after the latest batch. */
	estimate: GateEstimate | undefined;
	/** The route's request count (as its trend counts) from which its trend may start, and runs sent since. */
	since: { requests: number; runs: number };
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
 * Warm-up, then batches of requests over every target still undecided, in turn (a batch is one
 * estimate window of the plugin, `window` requests). After each, the gate reads heapwatch's report
 * and decides what it can (decide.ts) from each route's trend over the recent half of its measured
 * requests (at least one window): the early ones may still fill caches that stop growing (an LRU).
 */
export async function runCheck(
	server: CheckedServer,
	targets: CheckRoute[],
	rule: GateRule,
	options: ResolvedOptions,
	progress: Progress,
	side?: SideTraffic
): Promise<{ results: TargetResult[]; report: Report }> {
	const base = server.url;
	const warmup = Math.max(WARMUP, options.warmupRequests);
	const total = targets.length * (warmup + rule.maxRuns);
	let done = 0;
	const results: TargetResult[] = [];
	for (const target of targets) {
		// The first request, alone, tells which route id heapwatch gives the target.
		const before = await fetchReport(server);
		let status = await send(base, target);
		progress(++done, total, `warming up ${target.url}`);
		const routeId = attributed(before, await fetchReport(server));
		for (let i = 1; i < warmup; i++) {
			status = await send(base, target);
			progress(++done, total, `warming up ${target.url}`);
		}
		results.push({
			target,
			routeId,
			status,
			runs: 0,
			abandoned: 0,
			estimate: undefined,
			since: { requests: 0, runs: 0 },
			decision: 'undecided',
			route: undefined
		});
	}
	let report = await fetchReport(server);
	// A trend starts one window into the measured requests: a bounded cache (an LRU of 16 entries) may
	// still be filling over the first ones, and read as a leak there.
	// (Counted as the trend counts: its points number the route's requests since the last edit.)
	for (const result of results) {
		const route = report.routes.find((r) => r.id === result.routeId);
		const requests = route?.history.at(-1)?.requests ?? route?.requests ?? 0;
		result.since = { requests: requests + options.window, runs: 0 };
	}
	let active = results;
	while (active.length > 0) {
		const size = Math.min(options.window, ...active.map((r) => rule.maxRuns - r.runs));
		for (const round of roundsOf(active, size)) {
			for (const result of round) {
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
		report = await settle(server, options);
		for (const result of active) {
			const route = report.routes.find((r) => r.id === result.routeId);
			result.route = route;
			if (route) {
				const newest = route.history.at(-1)?.requests ?? 0;
				const span = Math.max(options.window, Math.floor((result.runs - result.since.runs) / 2));
				// (Never below `since`: its points may be too few to decide on yet.)
				result.estimate = trendEstimate(route, Math.max(result.since.requests, newest - span), report.sampling.allocationIntervalBytes);
			}
			const { decision, final } = decide({ estimate: result.estimate, runs: result.runs, flagged: flagged(route) }, rule);
			result.decision = decision;
			if (final) done += rule.maxRuns - result.runs;
		}
		const leaving = active.filter((r) => r.decision === 'leak');
		active = active.filter((r) => r.decision === 'undecided' && r.runs < rule.maxRuns);
		// A leak no longer fed changes what the heap does under the others: their earlier points shared it
		// with that leak's growth (measured: clean routes stayed undecided at max-runs in 15 of 20 lab runs
		// where the last leaks took 100-200 requests to decide). Their trends start again from here.
		if (leaving.length > 0) {
			for (const result of active) {
				const newest = result.route?.history.at(-1)?.requests ?? 0;
				result.since = { requests: newest, runs: result.runs };
			}
		}
	}
	return { results, report };
}

/** Waits out the handle grace period and for a post-GC sample after the last request, so that every request counts. */
async function settle(server: CheckedServer, options: ResolvedOptions): Promise<Report> {
	const finished = Date.now();
	await sleep(options.handleGrace + 200);
	let report = await fetchReport(server);
	for (const deadline = Date.now() + options.sampleInterval * 3 + 1000; (report.lastSample?.at ?? 0) < finished && Date.now() < deadline;) {
		await sleep(200);
		report = await fetchReport(server);
	}
	return report;
}

/** The route whose own (not sub-request) count went up between two reports. */
function attributed(before: Report, after: Report): string | null {
	const counts = new Map(before.routes.map((r) => [r.id, r.requests]));
	const grown = after.routes.filter((r) => r.requests > (counts.get(r.id) ?? 0));
	return (grown.find((r) => r.last && !r.last.subRequest) ?? grown[0])?.id ?? null;
}
