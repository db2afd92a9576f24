/**
 * Overhead benchmark: what heapwatch costs a dev server. Two `vite dev` servers of the playground run
 * side by side, one with heapwatch and one without; the clean lab routes are requested from both in
 * interleaved rounds (the order flips every round), so machine noise hits both alike.
 *
 *   pnpm bench:overhead [--pairs 3] [--rounds 10] [--requests 2000] [--concurrency 4] [--v8-defaults]
 *
 * This is repeated with fresh server processes (`--pairs`): one dev-server process can run ~20%
 * faster or slower than another of the same config for its whole life (JIT and GC state settle
 * differently), so one pair's ratio says little. The result is the median of the pairs' ratios.
 *
 * Both servers run with V8's allocation-site pretenuring off unless --v8-defaults is given. With it on,
 * each server process settles at random into one of two GC regimes on the playground's
 * allocation-heavy route (~5 or ~33 mark-compacts per 12,000 requests, measured with --trace-gc),
 * whether or not heapwatch is installed; that moved a run's ratio by more than heapwatch's own cost.
 * Mark-compacts per 1000 requests are printed per server, so the regime shows either way.
 *
 * Prints requests/s, the server's CPU time per request and p99 latency with heapwatch on and off and
 * their ratios, and heapwatch's own retained memory: post-GC heap growth of the "on" server over the run minus that of the "off" server.
 * Results are written to bench-results/overhead.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { lab } from '../playground/src/lib/lab/catalog.ts';
import { playgroundDir, repoRoot, startDevServer, type DevServer } from './lib/dev-server.ts';
import { fresh, get, report } from './lib/traffic.ts';

const { values } = parseArgs({
	options: {
		pairs: { type: 'string', default: '3' },
		rounds: { type: 'string', default: '10' },
		requests: { type: 'string', default: '2000' },
		concurrency: { type: 'string', default: '4' },
		/** heapwatch() options for the "on" server, as JSON: to see what a setting costs. */
		options: { type: 'string', default: '{}' },
		/** Leave V8's allocation-site pretenuring on (see above). */
		'v8-defaults': { type: 'boolean', default: false }
	}
});
const pairs = Number(values.pairs);
const rounds = Number(values.rounds);
const perRound = Number(values.requests);
const concurrency = Number(values.concurrency);
const WARMUP = 300;
const nodeArgs = values['v8-defaults'] ? [] : ['--no-allocation-site-pretenuring'];
const clean = lab.filter((entry) => entry.leaks === false).map((entry) => entry.href);

// Both servers load the playground's own vite.config.ts; "off" drops heapwatch's plugins from it. Both
// get an endpoint that reports memory after a full GC, so that they are measured alike. The configs
// live under node_modules, where Vite resolves the playground's dependencies from.
const configDir = path.join(playgroundDir, 'node_modules', '.heapwatch-bench');
const heapEndpoint = `
import v8 from 'node:v8';
import vm from 'node:vm';
import { monitorEventLoopDelay, PerformanceObserver, constants } from 'node:perf_hooks';
import heapwatch from 'vite-plugin-heapwatch';
import base from '../../vite.config.ts';

const isHeapwatch = (plugin) => Array.isArray(plugin) && plugin.some((p) => p?.name?.startsWith('heapwatch'));
const benchHeap = {
	name: 'bench-heap',
	configureServer(server) {
		// How long the event loop was blocked at worst while the measured requests ran.
		const loop = monitorEventLoopDelay({ resolution: 5 });
		loop.enable();
		server.middlewares.use('/__bench/loop', (req, res) => {
			if (req.url?.includes('reset')) loop.reset();
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ maxMs: loop.max / 1e6, p99Ms: loop.percentile(99) / 1e6 }));
		});
		// Mark-compacts, heapwatch's post-GC samples included: the GC regime the server settled in.
		let majorGcs = 0;
		new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorGcs++;
		}).observe({ entryTypes: ['gc'] });
		// CPU time the server process spent (and its mark-compacts so far): per request, less sensitive
		// than requests/s to the load generator competing for the same cores.
		server.middlewares.use('/__bench/cpu', (req, res) => {
			const { user, system } = process.cpuUsage();
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ micros: user + system, majorGcs }));
		});
		server.middlewares.use('/__bench/heap', (req, res) => {
			v8.setFlagsFromString('--expose-gc');
			const gc = vm.runInNewContext('gc');
			gc();
			gc();
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify(process.memoryUsage()));
		});
	}
};
`;
function writeConfig(heapwatch: boolean): string {
	const file = path.join(configDir, `vite.config.${heapwatch ? 'on' : 'off'}.ts`);
	const plugins = `...base.plugins.filter((plugin) => !isHeapwatch(plugin))${heapwatch ? `, heapwatch(${values.options})` : ''}`;
	writeFileSync(file, `${heapEndpoint}\nexport default { ...base, plugins: [${plugins}, benchHeap] };\n`);
	return file;
}

interface Side {
	name: 'on' | 'off';
	server: DevServer;
	rates: number[];
	/** Server CPU milliseconds per request, per round. */
	cpuMs: number[];
	/** Mark-compacts during the measured rounds (heapwatch's post-GC samples included). */
	majorGcs: number;
	latencies: number[];
	errors: number;
}

/** One of the `/__bench/*` endpoints that both servers get (see benchHeap above). */
async function bench<T>(side: Side, path: string): Promise<T> {
	const response = await fetch(`${side.server.url}/__bench/${path}`);
	return (await response.json()) as T;
}

const cpuUsage = (side: Side) => bench<{ micros: number; majorGcs: number }>(side, 'cpu');
const eventLoop = (side: Side, reset = false) => bench<{ maxMs: number; p99Ms: number }>(side, reset ? 'loop?reset' : 'loop');
const heapUsed = async (side: Side) => (await bench<NodeJS.MemoryUsage>(side, 'heap')).heapUsed;

/** `count` requests over the clean routes from `concurrency` keep-alive clients; requests/s. */
async function load(side: Side, count: number, record: boolean): Promise<number> {
	let next = 0;
	const before = record ? await cpuUsage(side) : undefined;
	const started = performance.now();
	const client = async () => {
		for (let i = next++; i < count; i = next++) {
			const href = fresh(clean[i % clean.length]);
			const sent = performance.now();
			const status = await get(side.server.url, href);
			if (!record) continue;
			side.latencies.push(performance.now() - sent);
			if (status !== 200) side.errors++;
		}
	};
	await Promise.all(Array.from({ length: concurrency }, client));
	const rate = count / ((performance.now() - started) / 1000);
	if (before) {
		const after = await cpuUsage(side);
		side.cpuMs.push((after.micros - before.micros) / 1000 / count);
		side.majorGcs += after.majorGcs - before.majorGcs;
	}
	return rate;
}

const percentile = (values: number[], p: number) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length / 2;
	return Number.isInteger(middle) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[Math.floor(middle)];
};
const mb = (bytes: number) => Math.round(bytes / 1024 / 10.24) / 100;

mkdirSync(configDir, { recursive: true });

/** One pair of fresh servers, measured over all rounds. */
async function measurePair(pair: number) {
	const sides: Side[] = [];
	try {
		for (const name of ['on', 'off'] as const) {
			const server = await startDevServer({ args: ['--config', writeConfig(name === 'on')], nodeArgs });
			sides.push({ name, server, rates: [], cpuMs: [], majorGcs: 0, latencies: [], errors: 0 });
		}
		for (const side of sides) await load(side, WARMUP, false);
		const heapBefore = await Promise.all(sides.map(heapUsed));
		await Promise.all(sides.map((side) => eventLoop(side, true)));
		for (let round = 0; round < rounds; round++) {
			for (const side of round % 2 === 0 ? sides : [...sides].reverse()) side.rates.push(await load(side, perRound, true));
			const [on, off] = sides;
			console.log(
				`pair ${pair + 1}/${pairs}, round ${round + 1}/${rounds}: on ${on.rates.at(-1)!.toFixed(0)} req/s, off ${off.rates.at(-1)!.toFixed(0)} req/s; ` +
					`server CPU per request on ${on.cpuMs.at(-1)!.toFixed(2)} ms, off ${off.cpuMs.at(-1)!.toFixed(2)} ms`
			);
		}
		const loops = await Promise.all(sides.map((side) => eventLoop(side)));
		const heapAfter = await Promise.all(sides.map(heapUsed));
		const [on, off] = sides;
		const final = await report(on.server.url);
		const both = <T>(of: (side: Side, index: number) => T) => ({ on: of(on, 0), off: of(off, 1) });
		const result = {
			requestsPerSecond: both((side) => Math.round(median(side.rates))),
			throughputRatio: round3(median(on.rates) / median(off.rates)),
			/** The ratio within each round (on and off measured back to back), its median: robust to drift. */
			medianRoundRatio: round3(median(on.rates.map((rate, i) => rate / off.rates[i]))),
			cpuMsPerRequest: both((side) => round3(median(side.cpuMs))),
			cpuRatio: round3(median(on.cpuMs) / median(off.cpuMs)),
			p99Ms: both((side) => Math.round(percentile(side.latencies, 99) * 10) / 10),
			errors: both((side) => side.errors),
			/** Longest and p99 event-loop delay during the measured rounds (monitorEventLoopDelay, 5 ms resolution). */
			eventLoopMaxMs: both((_, i) => Math.round(loops[i].maxMs)),
			eventLoopP99Ms: both((_, i) => Math.round(loops[i].p99Ms)),
			/** Mark-compacts per 1000 measured requests ("on": heapwatch's post-GC samples included). */
			majorGcsPer1000: both((side) => Math.round((side.majorGcs / (rounds * perRound)) * 10000) / 10),
			/** Post-GC heap growth over the measured requests, per server; the difference is heapwatch's own. */
			heapGrowthMB: both((_, i) => mb(heapAfter[i] - heapBefore[i])),
			retainedByHeapwatchMB: mb(heapAfter[0] - heapBefore[0] - (heapAfter[1] - heapBefore[1])),
			heapwatch: {
				samples: final.samples,
				routesFlagged: final.routes.filter((r) => r.verdict === 'leak' || r.handleVerdict === 'leak').map((r) => r.id),
				lingeringHandles: final.routes.reduce((sum, r) => sum + r.handles, 0)
			}
		};
		console.log(
			`pair ${pair + 1}: throughput ratio ${result.throughputRatio} (per-round median ${result.medianRoundRatio}), CPU per request x${result.cpuRatio}, ` +
				`mark-compacts per 1000 requests on ${result.majorGcsPer1000.on} / off ${result.majorGcsPer1000.off}, heapwatch retained ${result.retainedByHeapwatchMB} MB\n`
		);
		return result;
	} finally {
		await Promise.all(sides.map((side) => side.server.stop()));
	}
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;
const started = performance.now();
const results: Awaited<ReturnType<typeof measurePair>>[] = [];
for (let pair = 0; pair < pairs; pair++) results.push(await measurePair(pair));
const ofPairs = (of: (result: (typeof results)[number]) => number) => results.map(of);
const summary = {
	machine: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
	date: new Date().toISOString(),
	pairs,
	rounds,
	requestsPerRound: perRound,
	concurrency,
	options: JSON.parse(values.options),
	nodeArgs,
	routes: clean,
	minutes: Math.round((performance.now() - started) / 6000) / 10,
	/** The median over the pairs: the figure to compare with the target. */
	throughputRatio: round3(median(ofPairs((r) => r.throughputRatio))),
	cpuRatio: round3(median(ofPairs((r) => r.cpuRatio))),
	p99Ratio: round3(median(ofPairs((r) => r.p99Ms.on / r.p99Ms.off))),
	/** The largest of the pairs, each after rounds x requests per server. */
	retainedByHeapwatchMB: Math.max(...ofPairs((r) => r.retainedByHeapwatchMB)),
	perPair: results
};
console.log(`${summary.machine}; ${pairs} pairs of fresh servers x ${rounds} rounds x ${perRound} requests, ${concurrency} clients, routes: ${clean.join(' ')}`);
console.table(
	Object.fromEntries(
		results.map((r, i) => [
			`pair ${i + 1}`,
			{ 'req/s on': r.requestsPerSecond.on, 'req/s off': r.requestsPerSecond.off, 'throughput ratio': r.throughputRatio, 'CPU/request ratio': r.cpuRatio, 'p99 on/off ms': `${r.p99Ms.on} / ${r.p99Ms.off}`, 'MC/1000 on/off': `${r.majorGcsPer1000.on} / ${r.majorGcsPer1000.off}` }
		])
	)
);
console.log(`throughput ratio, median of the pairs: ${summary.throughputRatio} (target >= 0.85); CPU per request x${summary.cpuRatio}; p99 latency x${summary.p99Ratio}`);
console.log(`heapwatch's own retained memory after ${rounds * perRound} requests (on-growth minus off-growth), largest of the pairs: ${summary.retainedByHeapwatchMB} MB`);
console.log(`node ${nodeArgs.join(' ') || '(V8 defaults)'}`);
const file = path.join(repoRoot, 'bench-results', 'overhead.json');
mkdirSync(path.dirname(file), { recursive: true });
writeFileSync(file, JSON.stringify(summary, null, 2));
console.log(`saved ${path.relative(repoRoot, file)}`);
