/**
 * Comparison benchmark: the rules people use today against heapwatch, on the same recorded traffic.
 *
 *   pnpm bench:compare [--rounds 60] [--check-runs 20]
 *
 * Drives the leak lab with the browsing profile of bench-detect (every lab route once per round,
 * random order, fresh params, ~250 ms between rounds), one request at a time. After each request it
 * reads report.json: the route's `last.heapDeltaBytes` (heapUsed after minus before that request,
 * no GC) and the post-GC samples in `history`. On that recording it applies:
 *
 *   naive <T> x<k>  a route is flagged once k of its requests each grew heapUsed by more than T;
 *   memwatch        node-memwatch's rule, post-GC heap grew in 5 samples in a row; it is process-wide,
 *                   so it flags every route requested during the streak (what its user must guess);
 *   heapwatch       the plugin's own final verdicts (and, separately, "ever flagged").
 *
 * With --check-runs N it also runs `heapwatch check` N times over the lab (the CI gate: each run starts
 * its own dev server and requests every route until it is decided, see packages/vite-plugin-heapwatch/
 * src/cli/decide.ts), and reports per route how often it ended leak, clean or undecided, and after how
 * many requests. 'handles' routes are left out of those runs too: the timers they leave keep
 * allocating, which heapwatch's heap regression (no term for time) can put on the routes beside them.
 *
 * Ground truth is the lab catalog: `leaks: true` should be flagged; false and 'switch' (off here)
 * should not; 'handles' routes leak timers, not heap, and are left out. Precision and recall per
 * rule are printed and saved, with the recording, to bench-results/compare.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { lab, type LabEntry } from '../playground/src/lib/lab/catalog.ts';
import { playgroundDir, repoRoot, startDevServer } from './lib/dev-server.ts';
import { fresh, get, report, shuffle, sleep } from './lib/traffic.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '60' }, 'check-runs': { type: 'string', default: '0' } } });
const rounds = Number(values.rounds);
const checkRuns = Number(values['check-runs']);
const routeIdOf = (entry: LabEntry) => entry.href.replace('{n}', '[id]');
const NAIVE = [
	{ name: 'naive >1 MB x3', bytes: 1024 * 1024, k: 3 },
	{ name: 'naive >100 KB x3', bytes: 100 * 1024, k: 3 },
	{ name: 'naive >100 KB x1', bytes: 100 * 1024, k: 1 }
];
const MEMWATCH_STREAK = 5;

interface RequestRecord {
	route: string;
	/** The route's request count, this one included. */
	n: number;
	start: number;
	end: number;
	status: number;
	heapDeltaBytes: number | null;
}
type Sample = { at: number; heapUsed: number; external: number };

async function record() {
	const server = await startDevServer();
	const requests: RequestRecord[] = [];
	const samples = new Map<number, Sample>();
	const counts = new Map<string, number>();
	try {
		for (let round = 0; round < rounds; round++) {
			for (const entry of shuffle(lab)) {
				const route = routeIdOf(entry);
				const start = Date.now();
				const status = await get(server.url, fresh(entry.href));
				const end = Date.now();
				const now = await report(server.url);
				for (const s of now.history) samples.set(s.at, s);
				const n = (counts.get(route) ?? 0) + 1;
				counts.set(route, n);
				const last = now.routes.find((r) => r.id === route)?.last;
				requests.push({ route, n, start, end, status, heapDeltaBytes: last ? last.heapDeltaBytes : null });
			}
			await sleep(250);
		}
		await sleep(1500);
		const final = await report(server.url);
		for (const s of final.history) samples.set(s.at, s);
		return { requests, samples: [...samples.values()].sort((a, b) => a.at - b.at), final };
	} finally {
		await server.stop();
	}
}

/** Route -> request count at which the rule first flagged it (absent: never). */
type Flags = Map<string, number>;

function naive(requests: RequestRecord[], bytes: number, k: number): Flags {
	const over = new Map<string, number>();
	const flags: Flags = new Map();
	for (const r of requests) {
		if ((r.heapDeltaBytes ?? 0) <= bytes) continue;
		const count = (over.get(r.route) ?? 0) + 1;
		over.set(r.route, count);
		if (count === k && !flags.has(r.route)) flags.set(r.route, r.n);
	}
	return flags;
}

/** memwatch's "leak" event: the post-GC heap grew in 5 consecutive samples; then it counts afresh. */
function memwatch(requests: RequestRecord[], samples: Sample[]): { flags: Flags; events: number } {
	const flags: Flags = new Map();
	let growth = 0;
	let streakStart = samples[0]?.at ?? 0;
	let events = 0;
	for (let i = 1; i < samples.length; i++) {
		if (samples[i].heapUsed > samples[i - 1].heapUsed) {
			if (growth === 0) streakStart = samples[i - 1].at;
			growth++;
		} else growth = 0;
		if (growth < MEMWATCH_STREAK) continue;
		events++;
		const at = samples[i].at;
		// Every route with a request in the streak is a suspect; its count is taken when the event fires.
		for (const r of requests) {
			if (r.end < streakStart || r.start > at || flags.has(r.route)) continue;
			flags.set(r.route, requests.filter((q) => q.route === r.route && q.start <= at).length);
		}
		growth = 0;
	}
	return { flags, events };
}

function score(flags: Flags | Set<string>) {
	const positives = lab.filter((e) => e.leaks === true).map(routeIdOf);
	const negatives = lab.filter((e) => e.leaks === false || e.leaks === 'switch').map(routeIdOf);
	const tp = positives.filter((r) => flags.has(r)).length;
	const fp = negatives.filter((r) => flags.has(r)).length;
	const precision = tp + fp === 0 ? null : Math.round((tp / (tp + fp)) * 100) / 100;
	return { tp, fp, fn: positives.length - tp, tn: negatives.length - fp, precision, recall: Math.round((tp / positives.length) * 100) / 100 };
}

const started = performance.now();
const { requests, samples, final } = await record();
const seconds = Math.round((performance.now() - started) / 100) / 10;
const heapwatchFinal = new Set(final.routes.filter((r) => r.verdict === 'leak').map((r) => r.id as string));
const heapwatchEver: Flags = new Map(final.routes.filter((r) => r.firstFlaggedAt !== null).map((r) => [r.id as string, r.firstFlaggedAt as number]));
const mw = memwatch(requests, samples);
const rules: Record<string, Flags | Set<string>> = {
	...Object.fromEntries(NAIVE.map((rule) => [rule.name, naive(requests, rule.bytes, rule.k)])),
	[`memwatch (${mw.events} events)`]: mw.flags,
	'heapwatch, final verdict': heapwatchFinal,
	'heapwatch, ever flagged': heapwatchEver
};

const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(`\nbrowsing, ${rounds} rounds, ${requests.length} requests in ${seconds} s, ${samples.length} post-GC samples (${machine})`);
const truth = (e: LabEntry) => (e.leaks === true ? 'leak' : e.leaks === 'handles' ? 'excluded' : 'clean');
const show = (flags: Flags | Set<string>, route: string) =>
	flags instanceof Set ? (flags.has(route) ? 'leak' : '-') : flags.has(route) ? `@${flags.get(route)}` : '-';
console.table(
	lab.map((e) => {
		const route = routeIdOf(e);
		const deltas = requests
			.filter((r) => r.route === route)
			.map((r) => r.heapDeltaBytes ?? 0)
			.sort((a, b) => a - b);
		const row: Record<string, string | number> = { route, truth: truth(e), 'median delta KB': Math.round(deltas[deltas.length >> 1] / 102.4) / 10 };
		for (const [name, flags] of Object.entries(rules)) row[name] = show(flags, route);
		return row;
	})
);
const scores = Object.fromEntries(Object.entries(rules).map(([name, flags]) => [name, score(flags)]));
console.table(scores);
mkdirSync(path.join(repoRoot, 'bench-results'), { recursive: true });
const file = path.join(repoRoot, 'bench-results', 'compare.json');
const flagsJson = Object.fromEntries(Object.entries(rules).map(([name, flags]) => [name, flags instanceof Set ? [...flags] : Object.fromEntries(flags)]));
writeFileSync(
	file,
	JSON.stringify(
		{ machine, date: new Date().toISOString(), command: `pnpm bench:compare --rounds ${rounds}`, rounds, seconds, scores, flags: flagsJson, samples, requests },
		null,
		2
	)
);
console.log(`saved ${path.relative(repoRoot, file)}`);

if (checkRuns > 0) {
	const gate = checkGate(checkRuns);
	console.log(`\nheapwatch check, ${checkRuns} runs over the lab without its 'handles' routes, ${gate.seconds} s (${machine})`);
	console.table(gate.table);
	console.table({ 'heapwatch check (leak = flagged)': gate.score });
	const gateFile = path.join(repoRoot, 'bench-results', 'compare-check.json');
	writeFileSync(
		gateFile,
		JSON.stringify({ machine, date: new Date().toISOString(), command: `pnpm bench:compare --check-runs ${checkRuns}`, ...gate }, null, 2)
	);
	console.log(`saved ${path.relative(repoRoot, gateFile)}`);
}

interface GateRow {
	route: string;
	decision: 'leak' | 'clean' | 'undecided';
	runs: number;
}

/** Runs the built `heapwatch check` CLI over the lab `times` times; per route, its answers and how many requests each took. */
function checkGate(times: number) {
	const cli = path.join(repoRoot, 'packages/vite-plugin-heapwatch/dist/cli/index.mjs');
	const entries = lab.filter((e) => e.leaks !== 'handles');
	const answers = new Map<string, GateRow[]>();
	const begun = performance.now();
	for (let i = 0; i < times; i++) {
		const child = spawnSync(process.execPath, [cli, 'check', ...entries.map((e) => e.href), '--json', '--allow-undecided'], {
			cwd: playgroundDir,
			encoding: 'utf8',
			maxBuffer: 64 * 1024 * 1024
		});
		if (child.status === 2 || !child.stdout) throw new Error(`heapwatch check failed (${child.status}): ${child.stderr}`);
		const rows = (JSON.parse(child.stdout) as { rows: GateRow[] }).rows;
		for (const row of rows) answers.set(row.route, [...(answers.get(row.route) ?? []), row]);
		console.log(`check run ${i + 1}/${times}: ${rows.map((r) => `${r.route} ${r.decision}@${r.runs}`).join(', ')}`);
	}
	const mean = (rows: GateRow[]) => (rows.length === 0 ? '-' : Math.round(rows.reduce((sum, r) => sum + r.runs, 0) / rows.length));
	const table = entries.map((e) => {
		const route = routeIdOf(e);
		const rows = answers.get(route) ?? [];
		const of = (d: GateRow['decision']) => rows.filter((r) => r.decision === d);
		return {
			route,
			truth: truth(e),
			leak: of('leak').length,
			clean: of('clean').length,
			undecided: of('undecided').length,
			'requests to leak': mean(of('leak')),
			'requests to clean': mean(of('clean')),
			// Per route: a leaking route's recall, a clean route's false alarms (a leak answer) and misses of the gate (clean for a leak).
			...(e.leaks === true
				? { recall: Math.round((of('leak').length / rows.length) * 100) / 100, 'missed (clean)': of('clean').length }
				: { 'false alarms': of('leak').length })
		};
	});
	// Over all runs: every (run, route) answer counts once; `leak` is a flag, `undecided` neither a flag nor a pass.
	let tp = 0;
	let fp = 0;
	let fn = 0;
	for (const e of entries) {
		for (const row of answers.get(routeIdOf(e)) ?? []) {
			if (e.leaks === true) {
				if (row.decision === 'leak') tp++;
				else fn++;
			} else if (row.decision === 'leak') fp++;
		}
	}
	const score = {
		tp,
		fp,
		fn,
		precision: tp + fp === 0 ? null : Math.round((tp / (tp + fp)) * 100) / 100,
		recall: tp + fn === 0 ? null : Math.round((tp / (tp + fn)) * 100) / 100
	};
	return { runs: times, seconds: Math.round((performance.now() - begun) / 100) / 10, table, score, answers: Object.fromEntries(answers) };
}
