import type { CheckRoute, ResolvedOptions } from '../options.ts';
import type { Report } from '@heapwatch/core';
import { fetchReport, send, sleep } from './traffic.ts';

export interface TargetResult {
	target: CheckRoute;
	/** Kit's route id as heapwatch attributed the request; null for a 404. */
	routeId: string | null;
	/** Status of the last request. */
	status: number;
}

export interface Progress {
	(done: number, total: number, label: string): void;
}

// Between rounds the server is idle for a moment: heapwatch takes its post-GC samples then.
const PAUSE_MS = 100;

/**
 * Warm-up, then `runs` rounds over every target in turn, then waits for a last post-GC sample and
 * for the handle grace period, so that the report holds the final verdicts.
 */
export async function runCheck(base: string, targets: CheckRoute[], runs: number, options: ResolvedOptions, progress: Progress) {
	const warmup = Math.max(1, options.warmupRequests);
	const total = targets.length * (warmup + runs);
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
		results.push({ target, routeId, status });
	}
	for (let round = 0; round < runs; round++) {
		for (const result of results) {
			result.status = await send(base, result.target);
			progress(++done, total, result.target.url);
		}
		await sleep(PAUSE_MS);
	}
	const finished = Date.now();
	await sleep(options.handleGrace + 200);
	// A post-GC sample after the last request, so the last requests count too.
	let report = await fetchReport(base);
	for (const deadline = Date.now() + options.sampleInterval * 3 + 1000; (report.lastSample?.at ?? 0) < finished && Date.now() < deadline;) {
		await sleep(200);
		report = await fetchReport(base);
	}
	return { results, report };
}

/** The route whose own (not sub-request) count went up between two reports. */
function attributed(before: Report, after: Report): string | null {
	const counts = new Map(before.routes.map((r) => [r.id, r.requests]));
	const grown = after.routes.filter((r) => r.requests > (counts.get(r.id) ?? 0));
	return (grown.find((r) => r.last && !r.last.subRequest) ?? grown[0])?.id ?? null;
}
