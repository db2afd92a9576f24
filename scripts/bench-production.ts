/**
 * Production cost benchmark: what vite-plugin-heapwatch/production costs an adapter-node server. Two
 * instances of the same build of the production fixture run side by side, both with the OpenTelemetry
 * SDK and its Prometheus exporter (scraped once per round, as a Prometheus would), one with heapwatch's
 * handle and one without (HEAPWATCH_PRODUCTION=off). The fixture's clean routes are requested from
 * both in interleaved rounds (the order flips every round), so machine noise hits both alike.
 *
 *   pnpm bench:production [--rounds 8] [--requests 500] [--concurrency 4]
 *
 * Prints requests/s, p50, p99 and max latency (and the median of the rounds' throughput ratios) with heapwatch on and off and their ratios, and each
 * server's resident memory (RSS, and its peak) and heap after V8's last major GC at the end. Results
 * are written to bench-results/production.json.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './lib/dev-server.ts';
import { buildProductionApp, startProductionInstance, type ProductionInstance } from './lib/production-app.ts';

const { values } = parseArgs({
	options: {
		rounds: { type: 'string', default: '8' },
		requests: { type: 'string', default: '500' },
		concurrency: { type: 'string', default: '4' }
	}
});
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
}

/** `count` requests over the clean routes, `concurrency` at a time; adds to the side's latencies and time. */
async function load(side: Side, count: number, measure: boolean): Promise<void> {
	let next = 0;
	const started = performance.now();
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

buildProductionApp();
const sides: Side[] = [];
for (const label of ['on', 'off'] as const) {
	sides.push({ label, instance: await startProductionInstance({ heapwatch: label === 'on', metrics: true }), latencies: [], ms: 0, requests: 0 });
}
try {
	for (const side of sides) await load(side, WARMUP, false);
	/** on/off requests/s of each round: their median is steadier than the ratio of totals on a busy machine. */
	const roundRatios: number[] = [];
	for (let round = 0; round < rounds; round++) {
		const order = round % 2 === 0 ? sides : [...sides].reverse();
		const before = sides.map((side) => side.ms);
		for (const side of order) {
			await load(side, perRound, true);
			await scrape(side);
		}
		const [onMs, offMs] = sides.map((side, i) => side.ms - before[i]);
		roundRatios.push(offMs / onMs);
	}
	roundRatios.sort((a, b) => a - b);
	const metrics = await scrape(sides[0]);
	const heapAfterGc = Number(/^heapwatch_process_heap_after_gc\{[^}]*\} (\d+)/m.exec(metrics)?.[1] ?? NaN);
	const figures = Object.fromEntries(
		sides.map((side) => {
			const sorted = [...side.latencies].sort((a, b) => a - b);
			const status = readFileSync(`/proc/${side.instance.pid}/status`, 'utf8');
			return [
				side.label,
				{
					requests: side.requests,
					requestsPerSecond: round1((side.requests / side.ms) * 1000),
					p50Ms: round3(quantile(sorted, 0.5)),
					p99Ms: round3(quantile(sorted, 0.99)),
					maxMs: round3(sorted[sorted.length - 1]),
					rssMb: round1(kbOf(status, 'VmRSS') / 1024),
					peakRssMb: round1(kbOf(status, 'VmHWM') / 1024)
				}
			];
		})
	);
	const { on, off } = figures;
	const result = {
		date: new Date().toISOString(),
		machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: round1(os.totalmem() / 2 ** 30), node: process.version },
		command: `pnpm bench:production --rounds ${rounds} --requests ${perRound} --concurrency ${concurrency}`,
		routes: CLEAN,
		on,
		off,
		throughputRatio: round3(on.requestsPerSecond / off.requestsPerSecond),
		medianRoundThroughputRatio: round3(quantile(roundRatios, 0.5)),
		roundThroughputRatios: roundRatios.map(round3),
		loadAverageAtEnd: os.loadavg().map(round1),
		p99Ratio: round3(on.p99Ms / off.p99Ms),
		rssDeltaMb: round1(on.rssMb - off.rssMb),
		heapAfterGcMbOn: round1(heapAfterGc / 2 ** 20)
	};
	console.log(
		`vite-plugin-heapwatch/production vs the same adapter-node build without it (${rounds} interleaved rounds of ${perRound} requests, concurrency ${concurrency})`
	);
	console.log(['', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'RSS MB', 'peak RSS MB'].map((cell) => cell.padStart(13)).join(''));
	for (const [label, side] of Object.entries(figures)) {
		console.log(
			[label, side.requestsPerSecond, side.p50Ms, side.p99Ms, side.maxMs, side.rssMb, side.peakRssMb].map((cell) => String(cell).padStart(13)).join('')
		);
	}
	console.log(
		`throughput on/off ${result.throughputRatio} (target >= 0.97), p99 on/off ${result.p99Ratio} (target <= 1.05), RSS on - off ${result.rssDeltaMb} MB; heap after GC (on) ${result.heapAfterGcMbOn} MB`
	);
	const out = path.join(repoRoot, 'bench-results', 'production.json');
	mkdirSync(path.dirname(out), { recursive: true });
	writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
	console.log(`written to ${path.relative(repoRoot, out)}`);
} finally {
	await Promise.all(sides.map((side) => side.instance.stop()));
}
