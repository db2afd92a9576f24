/**
 * Detection benchmark: drives the playground's leak lab with the traffic profiles below and prints, per
 * route, the final verdict and the request count at which a leak was first flagged.
 *
 *   pnpm bench:detect [--rounds 60] [--profile browsing|continuous|sustained|held|reading] [--ballast 0]
 *
 * browsing:   every lab route once per round in random order, fresh params, ~250 ms between rounds
 * continuous: 4 concurrent clients, no pauses, the same number of requests per route
 * sustained:  a load test: 4 clients on the clean routes for 15 s, so that heapwatch's load governor
 *             switches to coarse sampling, then continuous on all routes for 300 requests per route
 * held:       browsing, with one SSE request (/lab/sse) held open for the whole run, as an open tab
 *             with a live feed, a long poll or a streamed response would
 * reading:    browsing with a 6 s pause after every 5th round, as a person reads a page now and then
 * Every profile also opens the streams of `clientsLeave` and leaves after their first event, as a closed
 * tab does (the handles column says whether their timers were flagged).
 * --ballast N: the server allocates and keeps N MB of small objects at start (a big app's heap), where
 * heapwatch's forced GCs cost too much to run under traffic (see packages/core/src/heap/gc-budget.ts).
 * Results are written to bench-results/detect-<profile>.json (detect-<profile>-<N>mb.json with a ballast).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { clientsLeave, lab, type LabEntry } from '../playground/src/lib/lab/catalog.ts';
import { BALLAST_ENV, writeBenchConfig } from './lib/bench-config.ts';
import { repoRoot, startDevServer } from './lib/dev-server.ts';
import { fresh, get, report, shuffle, sleep } from './lib/traffic.ts';

const { values } = parseArgs({
	options: { rounds: { type: 'string', default: '60' }, profile: { type: 'string' }, ballast: { type: 'string', default: '0' } }
});
const ballastMb = Number(values.ballast);
const rounds = Number(values.rounds);
const profiles = values.profile ? [values.profile] : ['browsing', 'continuous', 'sustained', 'held'];
const SUSTAINED_ROUNDS = 300;
const SUSTAINED_WARMUP_MS = 15_000;
const READING_PAUSE_MS = 6_000;
const routeIdOf = (entry: LabEntry) => entry.href.replace('{n}', '[id]');

interface Row {
	route: string;
	expected: string;
	verdict: string;
	requests: number;
	firstFlaggedAt: number | null;
	retainedKBPerRequest: number;
	handles: string;
	/** The module-scope collection heapwatch names as the keeper (report.json keptBy), or ''. */
	keptBy: string;
}

/** The lab's tiny leak (one ~300-byte line per request): found by counting entries, not by weighing. */
const TINY_LEAK = '/lab/visit-log/[id]';

const leaving = new Set(clientsLeave);
const entries = [...lab, ...clientsLeave];

/** One visit of a lab entry: read to the end, or (a stream of clientsLeave) left after its first chunk. */
function visit(base: string, entry: LabEntry): Promise<unknown> {
	if (!leaving.has(entry)) return get(base, fresh(entry.href));
	return new Promise<void>((resolve, reject) => {
		const request = http.get(base + fresh(entry.href), (response) => response.once('data', () => (request.destroy(), resolve())));
		request.on('error', reject);
	});
}

async function run(profile: string) {
	const server = await startDevServer(ballastMb > 0 ? { args: ['--config', writeBenchConfig(true)], env: { [BALLAST_ENV]: String(ballastMb) } } : {});
	const started = performance.now();
	const held = profile === 'held' ? await holdOpen(`${server.url}/lab/sse`) : undefined;
	try {
		if (profile === 'browsing' || profile === 'held' || profile === 'reading') {
			for (let round = 0; round < rounds; round++) {
				for (const entry of shuffle(entries)) await visit(server.url, entry);
				await sleep(profile === 'reading' && round % 5 === 4 ? READING_PAUSE_MS : 250);
			}
		} else {
			const clients = (run: () => Promise<void>) => Promise.all([run(), run(), run(), run()]);
			if (profile === 'sustained') {
				const clean = lab.filter((entry) => entry.leaks === false);
				const until = performance.now() + SUSTAINED_WARMUP_MS;
				await clients(async () => {
					while (performance.now() < until) await get(server.url, fresh(clean[Math.floor(Math.random() * clean.length)].href));
				});
			}
			const queue = Array.from({ length: profile === 'sustained' ? SUSTAINED_ROUNDS : rounds }, () => shuffle(entries)).flat();
			await clients(async () => {
				for (let entry = queue.shift(); entry; entry = queue.shift()) await visit(server.url, entry);
			});
		}
		// Let the last idle sample land.
		await sleep(1500);
		const final = await report(server.url);
		const rows: Row[] = entries.map((entry) => {
			const route = final.routes.find((r) => r.id === routeIdOf(entry));
			return {
				route: routeIdOf(entry),
				expected: entry.leaks === true ? 'leak' : entry.leaks === false ? 'ok' : `ok (${entry.leaks})`,
				verdict: route?.verdict ?? 'missing',
				requests: route?.requests ?? 0,
				firstFlaggedAt: route?.firstFlaggedAt ?? null,
				retainedKBPerRequest: Math.round((route?.retainedBytesPerRequest ?? 0) / 102.4) / 10,
				handles: route?.handleVerdict ?? 'missing',
				keptBy: route?.keptBy?.[0] ? `${route.keptBy[0].kind} "${route.keptBy[0].name}" :${route.keptBy[0].line}` : ''
			};
		});
		if (held && !held.open) throw new Error('the held SSE request ended before the run did: the held profile measured nothing');
		const warnings = (server.output().match(/retains ~/g) ?? []).length;
		/** Whether heapwatch's load governor switched to coarse allocation sampling during the run. */
		const coarseSampling = server.output().includes('sustained load: sampling allocations');
		// For clean routes of the sustained profile, requests and firstFlaggedAt include the warm-up.
		return {
			profile,
			ballastMb,
			rounds: profile === 'sustained' ? SUSTAINED_ROUNDS : rounds,
			seconds: Math.round((performance.now() - started) / 100) / 10,
			samples: final.samples,
			warnings,
			coarseSampling,
			/** Growth nothing places (report.json unplaced), process-wide: the lab's leaks built by undici or Kit add to it. */
			unplaced: final.unplaced ?? null,
			rows
		};
	} finally {
		held?.close();
		await server.stop();
	}
}

/** A request that stays open (server-sent events), read as a browser would, until close(). */
async function holdOpen(url: string): Promise<{ open: boolean; close(): void }> {
	const controller = new AbortController();
	const response = await fetch(url, { signal: controller.signal });
	if (!response.ok || !response.body) throw new Error(`GET ${url} answered ${response.status}: the held profile needs the playground's /lab/sse`);
	const held = { open: true, close: () => controller.abort() };
	const reader = response.body.getReader();
	void (async () => {
		try {
			while (!(await reader.read()).done);
		} catch {
			// Aborted by close().
		}
		held.open = false;
	})();
	return held;
}

const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
mkdirSync(path.join(repoRoot, 'bench-results'), { recursive: true });
for (const profile of profiles) {
	const result = await run(profile);
	console.log(
		`\n${profile}${ballastMb > 0 ? ` (+${ballastMb} MB of live heap)` : ''}: ${result.rounds} rounds in ${result.seconds} s, ${result.samples} post-GC samples, ${result.warnings} leak warnings${result.coarseSampling ? ', coarse sampling under load' : ''} (${machine})`
	);
	console.table(result.rows);
	const leaks = result.rows.filter((r) => r.expected === 'leak');
	// A route that leaves timers or handles alive keeps what they reference too (its closure, and the
	// request's async context: Kit's event and state): a memory verdict there is no false leak.
	const falseLeaks = result.rows.filter((r) => r.expected === 'ok' && r.verdict === 'leak');
	const everFlagged = result.rows.filter((r) => r.expected === 'ok' && r.firstFlaggedAt !== null);
	console.log(
		`leaks flagged: ${leaks.filter((r) => r.verdict === 'leak' || r.firstFlaggedAt !== null).length}/${leaks.length}; clean routes ending as leak: ${falseLeaks.length}; clean routes ever flagged: ${everFlagged.length}${everFlagged.length ? ` (${everFlagged.map((r) => r.route).join(', ')})` : ''}`
	);
	const tiny = result.rows.find((r) => r.route === TINY_LEAK);
	console.log(
		`leaks naming their keeper at module scope: ${leaks.filter((r) => r.keptBy !== '').length}/${leaks.length}; tiny leak ${TINY_LEAK} flagged at request ${tiny?.firstFlaggedAt ?? 'never'}`
	);
	const unplaced = result.unplaced;
	console.log(
		`growth nothing places: ${unplaced ? `${(unplaced.bytesPerRequest / 1024).toFixed(1)} ± ${(unplaced.standardError / 1024).toFixed(1)} KB per request of every route, ${unplaced.verdict}${unplaced.firstFlaggedAt !== null ? ` (stated after ${unplaced.firstFlaggedAt} requests of quiet intervals)` : ''}` : 'not measured'}`
	);
	const file = path.join(repoRoot, 'bench-results', `detect-${profile}${ballastMb > 0 ? `-${ballastMb}mb` : ''}.json`);
	writeFileSync(file, JSON.stringify({ machine, date: new Date().toISOString(), ...result }, null, 2));
	console.log(`saved ${path.relative(repoRoot, file)}`);
}
