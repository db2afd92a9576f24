/**
 * Production cost benchmark: what vite-plugin-heapwatch/production costs an adapter-node server. Two
 * instances of the same build of the production fixture run side by side, both with the OpenTelemetry
 * SDK and its Prometheus exporter (scraped once per round, as a Prometheus would), one with heapwatch's
 * handle and one without (HEAPWATCH_PRODUCTION=off). The fixture's clean routes are requested from
 * both in interleaved rounds (the order flips every round), so machine noise hits both alike; this is
 * repeated with fresh server pairs (`--pairs`), and the medians of the pairs' ratios are the result.
 *
 *   pnpm bench:production [--pairs 3] [--rounds 8] [--requests 500] [--concurrency 4] [--options '{"handlesOneIn":0}']
 *
 * Prints, per pair and side, requests/s, the server's CPU time per request (user + system, from /proc:
 * less moved by other work on the machine than wall-clock figures), p50, p99 and max latency, and
 * resident memory (RSS, and its peak) at the end; then the medians of the on/off ratios. Results are
 * written to bench-results/production.json.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './lib/dev-server.ts';
import { buildProductionApp, startProductionInstance, type ProductionInstance } from './lib/production-app.ts';

const { values } = parseArgs({
	options: {
		pairs: { type: 'string', default: '3' },
		rounds: { type: 'string', default: '8' },
		requests: { type: 'string', default: '500' },
		concurrency: { type: 'string', default: '4' },
		/** heapwatch()'s options for the "on" server, as JSON: to see what a setting costs. */
		options: { type: 'string', default: '{}' }
	}
});
const pairs = Number(values.pairs);
const rounds = Number(values.rounds);
const perRound = Number(values.requests);
const concurrency = Number(values.concurrency);
const WARMUP = 300;
/** The fixture's routes that keep nothing: the leak would grow one server's heap for the whole run. */
const CLEAN = ['/items/{n}', '/cache/{n}', '/about', '/'];

interface Side {
	label: 'on' | 'off';
	instance: ProductionInstance;
	latencies: number[];
	ms: number;
	requests: number;
	/** The server process's CPU time (user + system) spent in measured rounds. */
	cpuMs: number;
}

/** CPU time of a process so far, from /proc (clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
	// Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** `count` requests over the clean routes, `concurrency` at a time; adds to the side's latencies and time. */
async function load(side: Side, count: number, measure: boolean): Promise<void> {
	let next = 0;
	const started = performance.now();
	const cpuBefore = cpuMsOf(side.instance.pid);
	const worker = async () => {
		while (next < count) {
			const n = next++;
			const href = CLEAN[n % CLEAN.length].replace('{n}', String(n % 200));
			const t = performance.now();
			const response = await fetch(side.instance.url + href);
			await response.arrayBuffer();
			if (response.status !== 200) throw new Error(`GET ${href} on the "${side.label}" server answered ${response.status}`);
			if (measure) side.latencies.push(performance.now() - t);
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	if (measure) {
		side.ms += performance.now() - started;
		side.requests += count;
		side.cpuMs += cpuMsOf(side.instance.pid) - cpuBefore;
	}
}

/** The server's metrics, as Prometheus scrapes them: the SDK's collection cost is part of the run. */
async function scrape(side: Side): Promise<string> {
	const response = await fetch(`http://127.0.0.1:${side.instance.metricsPort}/metrics`);
	return response.text();
}

function kbOf(status: string, field: string): number {
	return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
}

/** The element at quantile q of a sorted array (the upper median for q = 0.5 and an even length). */
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const round1 = (x: number) => Math.round(x * 10) / 10;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** One pair of fresh servers, on and off, through warm-up and the interleaved rounds. */
async function runPair() {
	const sides: Side[] = [];
	try {
		for (const label of ['on', 'off'] as const) {
			const env: Record<string, string> = label === 'on' && values.options ? { HEAPWATCH_PRODUCTION_OPTIONS: values.options } : {};
			const instance = await startProductionInstance({ heapwatch: label === 'on', metrics: true, env });
			sides.push({ label, instance, latencies: [], ms: 0, requests: 0, cpuMs: 0 });
		}
		for (const side of sides) await load(side, WARMUP, false);
		for (let round = 0; round < rounds; round++) {
			for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
				await load(side, perRound, true);
				await scrape(side);
			}
		}
		const metrics = await scrape(sides[0]);
		const heapAfterGc = Number(/^heapwatch_process_heap_after_gc\{[^}]*\} (\d+)/m.exec(metrics)?.[1] ?? NaN);
		const [on, off] = sides.map((side) => {
			const sorted = [...side.latencies].sort((a, b) => a - b);
			const status = readFileSync(`/proc/${side.instance.pid}/status`, 'utf8');
			return {
				requests: side.requests,
				requestsPerSecond: round1((side.requests / side.ms) * 1000),
				cpuUsPerRequest: round1((side.cpuMs * 1000) / side.requests),
				p50Ms: round3(quantile(sorted, 0.5)),
				p99Ms: round3(quantile(sorted, 0.99)),
				maxMs: round3(sorted[sorted.length - 1]),
				rssMb: round1(kbOf(status, 'VmRSS') / 1024),
				peakRssMb: round1(kbOf(status, 'VmHWM') / 1024)
			};
		});
		return {
			on,
			off,
			throughputRatio: round3(on.requestsPerSecond / off.requestsPerSecond),
			cpuPerRequestRatio: round3(on.cpuUsPerRequest / off.cpuUsPerRequest),
			p99Ratio: round3(on.p99Ms / off.p99Ms),
			rssDeltaMb: round1(on.rssMb - off.rssMb),
			heapAfterGcMbOn: round1(heapAfterGc / 2 ** 20)
		};
	} finally {
		await Promise.all(sides.map((side) => side.instance.stop()));
	}
}

const median = (values: number[]) =>
	quantile(
		[...values].sort((a, b) => a - b),
		0.5
	);

buildProductionApp();
console.log(
	`vite-plugin-heapwatch/production vs the same adapter-node build without it: ${pairs} pairs of fresh servers, ${rounds} interleaved rounds of ${perRound} requests each, concurrency ${concurrency}, options ${values.options}`
);
console.log(['pair', 'side', 'req/s', 'CPU µs/req', 'p50 ms', 'p99 ms', 'max ms', 'RSS MB', 'peak RSS MB'].map((cell) => cell.padStart(12)).join(''));
const results = [];
for (let pair = 0; pair < pairs; pair++) {
	const result = await runPair();
	results.push(result);
	for (const [label, side] of [['on', result.on] as const, ['off', result.off] as const]) {
		console.log(
			[pair + 1, label, side.requestsPerSecond, side.cpuUsPerRequest, side.p50Ms, side.p99Ms, side.maxMs, side.rssMb, side.peakRssMb]
				.map((cell) => String(cell).padStart(12))
				.join('')
		);
	}
}
const summary = {
	date: new Date().toISOString(),
	machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: round1(os.totalmem() / 2 ** 30), node: process.version },
	loadAverageAtEnd: os.loadavg().map(round1),
	command: `pnpm bench:production --pairs ${pairs} --rounds ${rounds} --requests ${perRound} --concurrency ${concurrency} --options '${values.options}'`,
	routes: CLEAN,
	medianThroughputRatio: round3(median(results.map((r) => r.throughputRatio))),
	medianCpuPerRequestRatio: round3(median(results.map((r) => r.cpuPerRequestRatio))),
	medianP99Ratio: round3(median(results.map((r) => r.p99Ratio))),
	medianRssDeltaMb: round1(median(results.map((r) => r.rssDeltaMb))),
	pairs: results
};
console.log(
	`median of ${pairs} pairs, on/off: throughput ${summary.medianThroughputRatio} (target >= 0.97), server CPU per request ${summary.medianCpuPerRequestRatio}, p99 ${summary.medianP99Ratio} (target <= 1.05); RSS on - off ${summary.medianRssDeltaMb} MB`
);
const out = path.join(repoRoot, 'bench-results', 'production.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(summary, null, 2) + '\n');
console.log(`written to ${path.relative(repoRoot, out)}`);
