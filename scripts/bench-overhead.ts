/**
 * Overhead benchmark: what heapwatch costs a dev server. Two `vite dev` servers of the playground run
 * side by side, one with heapwatch and one without; the clean lab routes are requested from both in
 * interleaved rounds (the order flips every round), so machine noise hits both alike.
 *
 *   pnpm bench:overhead [--pairs 3] [--rounds 10] [--requests 2000] [--concurrency 4] [--ballast 0,400] [--v8-defaults]
 *
 * `--ballast`: the heap sizes to measure at, as MB of extra live heap that both servers allocate at
 * start and keep (small objects, as a real app's module state and caches are): 0 is the playground's
 * own ~60 MB, 400 makes ~460 MB. A full GC costs with the live heap, so heapwatch's cost does too.
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
 * Prints, per heap size, requests/s, the server's CPU time per request, p99 and max latency with
 * heapwatch on and off and their ratios; heapwatch's own forced-GC time as a share of wall time and its
 * longest one (published on diagnostics_channel 'heapwatch:gc'); and heapwatch's own retained memory:
 * post-GC heap growth of the "on" server over the run minus that of the "off" server.
 * Results are written to bench-results/overhead.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { lab } from '../playground/src/lib/lab/catalog.ts';
import { BALLAST_ENV, writeBenchConfig } from './lib/bench-config.ts';
import { repoRoot, startDevServer, type DevServer } from './lib/dev-server.ts';
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
		'v8-defaults': { type: 'boolean', default: false },
		ballast: { type: 'string', default: '0,400' }
	}
});
const pairs = Number(values.pairs);
const rounds = Number(values.rounds);
const perRound = Number(values.requests);
const concurrency = Number(values.concurrency);
const ballasts = values.ballast.split(',').map(Number);
const WARMUP = 300;
const nodeArgs = values['v8-defaults'] ? [] : ['--no-allocation-site-pretenuring'];
/**
 * The clean lab routes the figures in BENCHMARKS.md were measured on, fixed so that runs compare
 * across versions of the lab (routes added to it later are not load-tested here).
 */
const MEASURED = [
	'/lab/lru-cache/{n}',
	'/lab/singleton',
	'/lab/big-transient/{n}',
	'/lab/cleared-timer/{n}',
	'/lab/ticker',
	'/lab/weakmap/{n}',
	'/lab/locals/{n}'
];
const clean = lab.filter((entry) => entry.leaks === false && MEASURED.includes(entry.href)).map((entry) => entry.href);
if (clean.length !== MEASURED.length) throw new Error(`bench:overhead: the lab no longer has all of ${MEASURED.join(' ')}`);

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
	/** Wall time of the measured rounds, and heapwatch's own forced-GC time within them and its longest one. */
	roundsMs: number;
	ownGcMs: number;
	ownGcLongestLoadedMs: number;
}

/** One of the `/__bench/*` endpoints that both servers get (see benchHeap above). */
async function bench<T>(side: Side, path: string): Promise<T> {
	const response = await fetch(`${side.server.url}/__bench/${path}`);
	return (await response.json()) as T;
}

const cpuUsage = (side: Side) => bench<{ micros: number; majorGcs: number }>(side, 'cpu');
const eventLoop = (side: Side, reset = false) => bench<{ maxMs: number; p99Ms: number }>(side, reset ? 'loop?reset' : 'loop');
const ownGc = (side: Side, reset = false) =>
	bench<{ ms: number; longestMs: number; longestBlockedMs: number; count: number }>(side, reset ? 'own-gc?reset' : 'own-gc');
const heapUsed = async (side: Side) => (await bench<NodeJS.MemoryUsage>(side, 'heap')).heapUsed;

/** `count` requests over the clean routes from `concurrency` keep-alive clients; requests/s. */
async function load(side: Side, count: number, record: boolean): Promise<number> {
	let next = 0;
	const before = record ? await Promise.all([cpuUsage(side), ownGc(side, true)]) : undefined;
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
	const elapsed = performance.now() - started;
	if (before) {
		const [cpu, gc] = await Promise.all([cpuUsage(side), ownGc(side)]);
		side.cpuMs.push((cpu.micros - before[0].micros) / 1000 / count);
		side.majorGcs += cpu.majorGcs - before[0].majorGcs;
		side.roundsMs += elapsed;
		side.ownGcMs += gc.ms - before[1].ms;
		side.ownGcLongestLoadedMs = Math.max(side.ownGcLongestLoadedMs, gc.longestMs);
	}
	return count / (elapsed / 1000);
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
const round3 = (value: number) => Math.round(value * 1000) / 1000;
const round1 = (value: number) => Math.round(value * 10) / 10;

/** One pair of fresh servers, measured over all rounds, both with `ballastMb` of extra live heap. */
async function measurePair(pair: number, ballastMb: number) {
	const sides: Side[] = [];
	const env = { [BALLAST_ENV]: String(ballastMb) };
	try {
		for (const name of ['on', 'off'] as const) {
			const server = await startDevServer({ args: ['--config', writeBenchConfig(name === 'on', values.options)], nodeArgs, env });
			sides.push({ name, server, rates: [], cpuMs: [], majorGcs: 0, latencies: [], errors: 0, roundsMs: 0, ownGcMs: 0, ownGcLongestLoadedMs: 0 });
		}
		for (const side of sides) await load(side, WARMUP, false);
		const heapBefore = await Promise.all(sides.map(heapUsed));
		await Promise.all(sides.map((side) => eventLoop(side, true)));
		await Promise.all(sides.map((side) => ownGc(side, true)));
		const ownBefore = await ownGc(sides[0]);
		let longestOwn = { gc: 0, blocked: 0 };
		const measureStarted = performance.now();
		for (let round = 0; round < rounds; round++) {
			for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
				// The on-server's longest GC so far (load() resets it to time its own rounds alone).
				const own = await ownGc(sides[0]);
				longestOwn = { gc: Math.max(longestOwn.gc, own.longestMs), blocked: Math.max(longestOwn.blocked, own.longestBlockedMs) };
				side.rates.push(await load(side, perRound, true));
			}
			const [on, off] = sides;
			console.log(
				`+${ballastMb} MB, pair ${pair + 1}/${pairs}, round ${round + 1}/${rounds}: on ${on.rates.at(-1)!.toFixed(0)} req/s, off ${off.rates.at(-1)!.toFixed(0)} req/s; ` +
					`server CPU per request on ${on.cpuMs.at(-1)!.toFixed(2)} ms, off ${off.cpuMs.at(-1)!.toFixed(2)} ms`
			);
		}
		const measureMs = performance.now() - measureStarted;
		const loops = await Promise.all(sides.map((side) => eventLoop(side)));
		const ownAfter = await ownGc(sides[0]);
		longestOwn = { gc: Math.max(longestOwn.gc, ownAfter.longestMs), blocked: Math.max(longestOwn.blocked, ownAfter.longestBlockedMs) };
		const heapAfter = await Promise.all(sides.map(heapUsed));
		const [on, off] = sides;
		const final = await report(on.server.url);
		const both = <T>(of: (side: Side, index: number) => T) => ({ on: of(on, 0), off: of(off, 1) });
		const result = {
			ballastMb,
			/** Post-GC heap of each server before the measured rounds. */
			heapMB: both((_, i) => Math.round(mb(heapBefore[i]))),
			requestsPerSecond: both((side) => Math.round(median(side.rates))),
			throughputRatio: round3(median(on.rates) / median(off.rates)),
			/** The ratio within each round (on and off measured back to back), its median: robust to drift. */
			medianRoundRatio: round3(median(on.rates.map((rate, i) => rate / off.rates[i]))),
			cpuMsPerRequest: both((side) => round3(median(side.cpuMs))),
			cpuRatio: round3(median(on.cpuMs) / median(off.cpuMs)),
			p99Ms: both((side) => round1(percentile(side.latencies, 99))),
			maxMs: both((side) => round1(Math.max(...side.latencies))),
			errors: both((side) => side.errors),
			/** Longest and p99 event-loop delay during the measured rounds (monitorEventLoopDelay, 5 ms resolution). */
			eventLoopMaxMs: both((_, i) => Math.round(loops[i].maxMs)),
			eventLoopP99Ms: both((_, i) => Math.round(loops[i].p99Ms)),
			/** Mark-compacts per 1000 measured requests ("on": heapwatch's post-GC samples included). */
			majorGcsPer1000: both((side) => Math.round((side.majorGcs / (rounds * perRound)) * 10000) / 10),
			/**
			 * heapwatch's own forced GCs (as it publishes them on diagnostics_channel 'heapwatch:gc'): their
			 * share of the "on" server's loaded rounds, of the whole measured span (its idle time while
			 * "off" was loaded included), the longest one under load and overall (a quiet spell's), and the
			 * longest whole sample (the GC and the allocation profile read with it).
			 */
			ownGc: {
				loadedShare: round3(on.ownGcMs / on.roundsMs),
				share: round3((ownAfter.ms - ownBefore.ms) / measureMs),
				count: ownAfter.count - ownBefore.count,
				longestLoadedMs: round1(on.ownGcLongestLoadedMs),
				longestMs: round1(longestOwn.gc),
				longestBlockedMs: round1(longestOwn.blocked)
			},
			/** Post-GC heap growth over the measured requests, per server; the difference is heapwatch's own. */
			heapGrowthMB: both((_, i) => mb(heapAfter[i] - heapBefore[i])),
			retainedByHeapwatchMB: mb(heapAfter[0] - heapBefore[0] - (heapAfter[1] - heapBefore[1])),
			heapwatch: {
				samples: final.samples,
				lastSampleGcMs: final.lastSample?.gcMs ?? null,
				routesFlagged: final.routes.filter((r) => r.verdict === 'leak' || r.handleVerdict === 'leak').map((r) => r.id),
				lingeringHandles: final.routes.reduce((sum, r) => sum + r.handles, 0)
			}
		};
		console.log(
			`+${ballastMb} MB, pair ${pair + 1}: throughput ratio ${result.throughputRatio} (per-round median ${result.medianRoundRatio}), CPU per request x${result.cpuRatio}, ` +
				`max latency on ${result.maxMs.on} / off ${result.maxMs.off} ms, heapwatch GC ${(result.ownGc.share * 100).toFixed(1)}% of wall time (longest ${result.ownGc.longestMs} ms), ` +
				`mark-compacts per 1000 requests on ${result.majorGcsPer1000.on} / off ${result.majorGcsPer1000.off}, heapwatch retained ${result.retainedByHeapwatchMB} MB\n`
		);
		return result;
	} finally {
		await Promise.all(sides.map((side) => side.server.stop()));
	}
}

type PairResult = Awaited<ReturnType<typeof measurePair>>;

/** The pairs of one heap size, summed up: medians over the pairs, worst cases as the largest. */
function summarize(ballastMb: number, results: PairResult[]) {
	const ofPairs = (of: (result: PairResult) => number) => results.map(of);
	return {
		ballastMb,
		heapMB: { on: median(ofPairs((r) => r.heapMB.on)), off: median(ofPairs((r) => r.heapMB.off)) },
		/** The median over the pairs: the figure to compare with the target. */
		throughputRatio: round3(median(ofPairs((r) => r.throughputRatio))),
		requestsPerSecond: { on: Math.round(median(ofPairs((r) => r.requestsPerSecond.on))), off: Math.round(median(ofPairs((r) => r.requestsPerSecond.off))) },
		cpuRatio: round3(median(ofPairs((r) => r.cpuRatio))),
		p99Ms: { on: round1(median(ofPairs((r) => r.p99Ms.on))), off: round1(median(ofPairs((r) => r.p99Ms.off))) },
		p99Ratio: round3(median(ofPairs((r) => r.p99Ms.on / r.p99Ms.off))),
		/** The largest of the pairs. */
		maxMs: { on: Math.max(...ofPairs((r) => r.maxMs.on)), off: Math.max(...ofPairs((r) => r.maxMs.off)) },
		ownGcShare: Math.max(...ofPairs((r) => r.ownGc.share)),
		ownGcLoadedShare: Math.max(...ofPairs((r) => r.ownGc.loadedShare)),
		ownGcLongestMs: Math.max(...ofPairs((r) => r.ownGc.longestMs)),
		ownGcLongestLoadedMs: Math.max(...ofPairs((r) => r.ownGc.longestLoadedMs)),
		ownGcLongestBlockedMs: Math.max(...ofPairs((r) => r.ownGc.longestBlockedMs)),
		eventLoopMaxMs: { on: Math.max(...ofPairs((r) => r.eventLoopMaxMs.on)), off: Math.max(...ofPairs((r) => r.eventLoopMaxMs.off)) },
		/** The largest of the pairs, each after rounds x requests per server. */
		retainedByHeapwatchMB: Math.max(...ofPairs((r) => r.retainedByHeapwatchMB)),
		perPair: results
	};
}

const started = performance.now();
const sizes: ReturnType<typeof summarize>[] = [];
for (const ballastMb of ballasts) {
	const results: PairResult[] = [];
	for (let pair = 0; pair < pairs; pair++) results.push(await measurePair(pair, ballastMb));
	sizes.push(summarize(ballastMb, results));
}
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
	sizes
};
console.log(
	`${summary.machine}; ${pairs} pairs of fresh servers x ${rounds} rounds x ${perRound} requests, ${concurrency} clients, routes: ${clean.join(' ')}`
);
for (const size of sizes) {
	console.log(`\nheap ~${size.heapMB.on} MB (+${size.ballastMb} MB of live small objects):`);
	console.table(
		Object.fromEntries(
			size.perPair.map((r, i) => [
				`pair ${i + 1}`,
				{
					'req/s on / off': `${r.requestsPerSecond.on} / ${r.requestsPerSecond.off}`,
					ratio: r.throughputRatio,
					'CPU/req ratio': r.cpuRatio,
					'p99 on / off ms': `${r.p99Ms.on} / ${r.p99Ms.off}`,
					'max on / off ms': `${r.maxMs.on} / ${r.maxMs.off}`,
					'own GC % (loaded)': `${(r.ownGc.share * 100).toFixed(1)} (${(r.ownGc.loadedShare * 100).toFixed(1)})`,
					'longest own GC ms: loaded / any / sample': `${r.ownGc.longestLoadedMs} / ${r.ownGc.longestMs} / ${r.ownGc.longestBlockedMs}`,
					'loop max on / off ms': `${r.eventLoopMaxMs.on} / ${r.eventLoopMaxMs.off}`,
					'MC/1000 on / off': `${r.majorGcsPer1000.on} / ${r.majorGcsPer1000.off}`
				}
			])
		)
	);
}
console.log('\nside by side (median of the pairs; max latency and heapwatch GC: the worst pair):');
console.table(
	Object.fromEntries(
		sizes.map((size) => [
			`~${size.heapMB.on} MB`,
			{
				'req/s on / off': `${size.requestsPerSecond.on} / ${size.requestsPerSecond.off}`,
				'throughput ratio (>= 0.90)': size.throughputRatio,
				'p99 on / off ms': `${size.p99Ms.on} / ${size.p99Ms.off}`,
				'max on / off ms (on <= off + 300)': `${size.maxMs.on} / ${size.maxMs.off}`,
				'heapwatch GC % of wall (<= 3)': (size.ownGcShare * 100).toFixed(1),
				'longest heapwatch GC ms, under load / any (<= ~100)': `${size.ownGcLongestLoadedMs} / ${size.ownGcLongestMs}`,
				'event loop max on / off ms': `${size.eventLoopMaxMs.on} / ${size.eventLoopMaxMs.off}`,
				'retained MB': size.retainedByHeapwatchMB
			}
		])
	)
);
for (const size of sizes) {
	const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
	console.log(
		`~${size.heapMB.on} MB: throughput ${size.throughputRatio} (>= 0.90: ${verdict(size.throughputRatio >= 0.9)}); max latency ${round1(size.maxMs.on - size.maxMs.off)} ms above off (<= 300: ${verdict(size.maxMs.on <= size.maxMs.off + 300)}); ` +
			`heapwatch GC ${(size.ownGcShare * 100).toFixed(1)}% of wall time (<= 3: ${verdict(size.ownGcShare <= 0.03)}); its longest GC ${size.ownGcLongestLoadedMs} ms under load, ${size.ownGcLongestMs} ms at any time (<= ~100: ${verdict(size.ownGcLongestMs <= 110)}), longest sample ${size.ownGcLongestBlockedMs} ms`
	);
}
console.log(`node ${nodeArgs.join(' ') || '(V8 defaults)'}`);
const file = path.join(repoRoot, 'bench-results', 'overhead.json');
mkdirSync(path.dirname(file), { recursive: true });
writeFileSync(file, JSON.stringify(summary, null, 2));
console.log(`saved ${path.relative(repoRoot, file)}`);
