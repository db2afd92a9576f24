/**
 * A SvelteKit app none of us wrote, through its own test suite, with heapwatch on and off.
 *
 *   pnpm bench:real-app [--sv 0.17.1] [--runs 1] [--forced-overlay] [--browse 300] [--keep]
 *
 * Creates the `sv create` demo template (TypeScript, Playwright, Vitest, adapter-node) in a temp dir
 * outside the workspace (Paraglide's add-on is left out: it loads its plugins from a CDN), installs
 * it from npm, adds vite-plugin-heapwatch from the tarball `pnpm pack` makes of this workspace, and
 * runs, once with heapwatch on and once off:
 * - its unit tests (`vitest run`: Vitest loads the same vite.config, so heapwatch is in that run too);
 * - its Playwright tests against `vite dev` (the template runs them against a build, where heapwatch is
 *   never present; teams run them against the dev server), in Debian's Chromium, plus a spec of ours
 *   written the way a team writes them: every route, generic locators in strict mode, keyboard focus.
 * --forced-overlay adds a third run with the overlay forced into the automated browser
 * (`overlay.inAutomatedBrowsers`), as every run was before heapwatch kept out of them.
 * Then (--browse N rounds, 0 to skip) heapwatch's precision on it: a dev server with the defaults,
 * every page of the app and a Sverdle guess (its form action) once per round, a reader's pause between
 * rounds. The app keeps nothing per request, so every route flagged, even for a while, is a false alarm.
 * Then the same browsing (--leak-rounds N, 0 to skip) after adding one leak to the app's Sverdle page
 * (a module-level Map its `load` fills with ~20 KB per request): it must be flagged, with the Map named.
 * Prints and saves (bench-results/real-app.json) the tests passed on and off, durations, every line
 * heapwatch printed, the routes in report.json, and the browsing's verdicts. Downloads from npm: not
 * part of `pnpm test`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { routeLabel } from '../packages/core/src/protocol/naming.ts';
import { repoRoot, startDevServer } from './lib/dev-server.ts';
import { browse, get, postForm, report, shuffle } from './lib/traffic.ts';

const { values } = parseArgs({
	options: {
		sv: { type: 'string', default: '0.17.1' },
		runs: { type: 'string', default: '1' },
		'forced-overlay': { type: 'boolean', default: false },
		browse: { type: 'string', default: '300' },
		'leak-rounds': { type: 'string', default: '100' },
		keep: { type: 'boolean', default: false }
	}
});
const runs = Number(values.runs);
const browseRounds = Number(values.browse);
const leakRounds = Number(values['leak-rounds']);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ADD_ONS = ['playwright', 'vitest=usages:unit', 'sveltekit-adapter=adapter:node'];
/** off: `enabled: false`; on: the defaults; forced-overlay: the overlay shown in the automated browser too. */
type Mode = 'off' | 'on' | 'forced-overlay';
const modes: Mode[] = values['forced-overlay'] ? ['off', 'on', 'forced-overlay'] : ['off', 'on'];

const work = mkdtempSync(path.join(os.tmpdir(), 'heapwatch-real-app-'));
const app = path.join(work, 'app');

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): string {
	console.log(`$ ${command} ${args.join(' ')}`);
	return execFileSync(command, args, {
		cwd,
		env: { ...process.env, ...env },
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
		maxBuffer: 64 * 1024 * 1024
	});
}

/** Runs a command that may fail (a test run); its output and exit code either way. */
function attempt(command: string, args: string[], cwd: string, env: Record<string, string> = {}): { code: number; output: string } {
	try {
		return { code: 0, output: run(command, args, cwd, env) };
	} catch (error) {
		const failed = error as { status: number | null; stdout?: string; stderr?: string };
		return { code: failed.status ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
	}
}

function createApp(tarball: string): void {
	const add = ADD_ONS.flatMap((addOn) => ['--add', addOn]);
	run('npx', ['-y', `sv@${values.sv}`, 'create', 'app', '--template', 'demo', '--types', 'ts', ...add, '--no-install', '--no-download-check'], work);
	run('pnpm', ['install', '--ignore-workspace'], app);
	run('pnpm', ['add', '--ignore-workspace', '-D', tarball], app);

	// The setup the README gives, with documented options as the switch between the runs.
	const configFile = path.join(app, 'vite.config.ts');
	const config = readFileSync(configFile, 'utf8');
	const plugins = /(plugins: \[[\s\S]*?)\n\t\],/;
	if (!plugins.test(config)) throw new Error(`bench:real-app: no "plugins: [...]" block found in ${configFile}; the sv template changed, update this script`);
	writeFileSync(
		configFile,
		`import heapwatch from 'vite-plugin-heapwatch';\n${config.replace(plugins, "$1,\n\t\theapwatch({ enabled: process.env.HEAPWATCH !== 'off', overlay: { inAutomatedBrowsers: process.env.HEAPWATCH === 'forced-overlay' } })\n\t],")}`
	);

	// The template's Playwright config, against a dev server we start, in Debian's Chromium.
	writeFileSync(
		path.join(app, 'playwright.dev.config.ts'),
		`import { defineConfig } from '@playwright/test';
import base from './playwright.config.ts';

export default defineConfig({
	...base,
	webServer: undefined,
	reporter: [['json', { outputFile: process.env.RESULTS_FILE }]],
	use: { ...base.use, baseURL: process.env.BASE_URL, launchOptions: { executablePath: ${JSON.stringify(CHROMIUM)}, args: ['--no-sandbox'] } }
});
`
	);
	writeFileSync(path.join(app, 'src', 'routes', 'team.e2e.ts'), TEAM_SPEC);
}

// What a team's tests of this app look like: every route, generic locators (strict: one match
// each), the keyboard. Before heapwatch kept out of automated browsers, `locator('button')` and the
// Tab order found its badge.
const TEAM_SPEC = `import { expect, test, type Page } from '@playwright/test';

/** The dev server compiles on first use: wait for the page to hydrate (its scripts loaded). */
const open = (page: Page, path: string) => page.goto(path, { waitUntil: 'networkidle' });

test('the counter counts with its two buttons', async ({ page }) => {
	await open(page, '/');
	await expect(page.locator('button')).toHaveCount(2);
	await page.getByRole('button', { name: 'Increase the counter by one' }).click();
	await page.getByRole('button', { name: 'Increase the counter by one' }).click();
	await page.getByRole('button', { name: 'Decrease the counter by one' }).click();
	await expect(page.locator('.counter-digits strong:not(.hidden)')).toHaveText('1');
});

test('every page has one h1', async ({ page }) => {
	for (const path of ['/', '/about', '/sverdle', '/sverdle/how-to-play', '/demo/playwright']) {
		await open(page, path);
		await expect(page.locator('h1'), path).toHaveCount(1);
	}
});

test('the app renders into one root element', async ({ page }) => {
	await open(page, '/about');
	await expect(page.locator('body > *:not(script)')).toHaveCount(1);
	await expect(page.locator('h1')).toHaveText('About this app');
});

test('Tab goes through the header links and the page, nothing else', async ({ page }) => {
	await open(page, '/about');
	const focused: string[] = [];
	for (let i = 0; i < 12; i++) {
		await page.keyboard.press('Tab');
		focused.push(await page.evaluate(() => (document.activeElement?.closest('body > div') ? 'app' : document.activeElement?.tagName ?? 'none')));
	}
	expect(focused.filter((where) => where !== 'app' && where !== 'BODY')).toEqual([]);
});

test('sverdle takes a guess from the keyboard and marks each letter', async ({ page }) => {
	await open(page, '/sverdle');
	await expect(page.locator('button[data-key="enter"]')).toBeDisabled();
	await page.keyboard.type('about');
	await page.keyboard.press('Enter');
	await expect(page.locator('.row').first().locator('.letter.exact, .letter.close, .letter.missing')).toHaveCount(5);
	await page.getByRole('link', { name: 'How to play' }).click();
	await expect(page.locator('h1')).toHaveText('How to play Sverdle');
});

test('the demo index links to the Playwright demo', async ({ page }) => {
	await open(page, '/demo');
	await expect(page.getByRole('main').getByRole('link')).toHaveCount(1);
	await page.getByRole('link', { name: 'playwright' }).click();
	await expect(page.locator('h1')).toHaveText('Playwright e2e test demo');
});
`;

interface Spec {
	title: string;
	file: string;
	ok: boolean;
}

interface Outcome {
	heapwatch: Mode;
	unit: { passed: number; failed: number; seconds: number; code: number };
	e2e: { passed: number; failed: number; seconds: number; failures: string[] };
	heapwatchLines: string[];
	reportRoutes: { id: string | null; requests: number; verdict: string; handleVerdict: string }[] | null;
}

function collectSpecs(suite: { specs?: Spec[]; suites?: unknown[] }): Spec[] {
	return [...(suite.specs ?? []), ...((suite.suites ?? []) as (typeof suite)[]).flatMap(collectSpecs)];
}

async function runSuite(heapwatch: Mode): Promise<Outcome> {
	const env = { HEAPWATCH: heapwatch };
	let started = performance.now();
	const unit = attempt('pnpm', ['exec', 'vitest', 'run'], app, { ...env, NO_COLOR: '1' });
	const unitSeconds = (performance.now() - started) / 1000;
	const count = (label: string) => Number(new RegExp(`Tests\\s+(?:.*?(\\d+) ${label})`).exec(unit.output)?.[1] ?? 0);

	const server = await startDevServer({ cwd: app, env });
	const results = path.join(work, `playwright-${heapwatch}.json`);
	started = performance.now();
	const e2eRun = attempt('pnpm', ['exec', 'playwright', 'test', '--config', 'playwright.dev.config.ts'], app, {
		...env,
		BASE_URL: server.url,
		RESULTS_FILE: results
	});
	const e2eSeconds = (performance.now() - started) / 1000;
	const routes =
		heapwatch !== 'off'
			? (await report(server.url)).routes.map(({ id, requests, verdict, handleVerdict }) => ({ id, requests, verdict, handleVerdict }))
			: null;
	const heapwatchLines = server.linesWith('[heapwatch]');
	await server.stop();

	let specs: Spec[];
	try {
		specs = collectSpecs(JSON.parse(readFileSync(results, 'utf8')));
	} catch {
		throw new Error(`bench:real-app: Playwright wrote no results (exit ${e2eRun.code}):\n${e2eRun.output.slice(-3000)}`);
	}
	return {
		heapwatch,
		unit: { passed: count('passed'), failed: count('failed'), seconds: unitSeconds, code: unit.code },
		e2e: {
			passed: specs.filter((s) => s.ok).length,
			failed: specs.filter((s) => !s.ok).length,
			seconds: e2eSeconds,
			failures: specs.filter((s) => !s.ok).map((s) => `${s.file}: ${s.title}`)
		},
		heapwatchLines,
		reportRoutes: routes
	};
}

/** The demo's pages, as a person clicks through them; /sverdle's guess goes through its form action. */
const PAGES = ['/', '/about', '/sverdle', '/sverdle/how-to-play', '/demo', '/demo/playwright'];
const GUESS = 'guess=a&guess=b&guess=o&guess=u&guess=t';

interface Browsing {
	rounds: number;
	seconds: number;
	routes: {
		id: string | null;
		requests: number;
		verdict: string;
		kbPerRequest: number;
		standardErrorKb: number | null;
		firstFlaggedAt: number | null;
		/** What heapwatch named: the module-level collection that grows, and where the memory is allocated. */
		keptBy: string | null;
		source: string | null;
	}[];
	/** Routes flagged at any time, cleared or not: each a false alarm on this app. */
	everFlagged: string[];
	unplaced: { kbPerRequest: number; requests: number; verdict: string } | null;
	/** What heapwatch printed besides its start-up line. */
	warnings: string[];
}

/** The page whose `load` the leak is added to. */
const LEAKY_PAGE = path.join('src', 'routes', 'sverdle', '+page.server.ts');

/** Adds a leak to the app as a developer might write one: every `load` of the Sverdle page remembers its board, forever. */
function injectLeak(): void {
	const file = path.join(app, LEAKY_PAGE);
	const source = readFileSync(file, 'utf8');
	const load = /(export const load = [\s\S]*?const game = new Game\(cookies\.get\('sverdle'\)\);)/;
	if (!load.test(source))
		throw new Error(`bench:real-app: no "const game = new Game(cookies.get('sverdle'))" in the load of ${file}; the sv template changed, update this script`);
	const lines = source.split('\n');
	const afterImports = lines.findLastIndex((line) => line.startsWith('import ')) + 1;
	lines.splice(afterImports, 0, '', '// Every board ever shown, for "statistics" nobody reads yet.', 'const boardsShown = new Map<string, string[]>();');
	writeFileSync(
		file,
		lines
			.join('\n')
			.replace(load, "$1\n\tboardsShown.set(crypto.randomUUID(), Array.from({ length: 400 }, (_, i) => `${i}:${game.answer}:${game.guesses.join(',')}`));")
	);
}

async function browseApp(rounds: number): Promise<Browsing> {
	const server = await startDevServer({ cwd: app, env: { HEAPWATCH: 'on' } });
	const ok = (status: number, what: string) => {
		if (status >= 500) throw new Error(`bench:real-app: ${what} answered ${status}`);
	};
	try {
		const started = performance.now();
		const final = await browse(server.url, { rounds, pauseMs: 250 }, async () => {
			for (const page of shuffle(PAGES)) ok(await get(server.url, page), page);
			ok(await postForm(server.url, '/sverdle?/enter', GUESS), 'POST /sverdle?/enter');
		});
		const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;
		return {
			rounds,
			seconds: Math.round((performance.now() - started) / 100) / 10,
			routes: final.routes.map((route) => ({
				id: route.id,
				requests: route.requests,
				verdict: route.verdict,
				kbPerRequest: kb(route.retainedBytesPerRequest),
				standardErrorKb: route.retainedStandardError == null || !Number.isFinite(route.retainedStandardError) ? null : kb(route.retainedStandardError),
				firstFlaggedAt: route.firstFlaggedAt,
				keptBy: route.keptBy?.[0] ? `${route.keptBy[0].kind} "${route.keptBy[0].name}" at ${route.keptBy[0].file}:${route.keptBy[0].line}` : null,
				source: route.sources[0] ? `${route.sources[0].file}:${route.sources[0].line}` : null
			})),
			everFlagged: final.routes.filter((route) => route.firstFlaggedAt !== null).map((route) => routeLabel(route.id)),
			unplaced: final.unplaced
				? { kbPerRequest: kb(final.unplaced.bytesPerRequest), requests: final.unplaced.requests, verdict: final.unplaced.verdict }
				: null,
			warnings: server.linesWith('[heapwatch]').filter((line) => !line.includes('measuring server memory per route'))
		};
	} finally {
		await server.stop();
	}
}

run('pnpm', ['--filter', 'vite-plugin-heapwatch', 'pack', '--pack-destination', work], repoRoot);
const tarball = path.join(
	work,
	readdirSync(work).find((file) => file.endsWith('.tgz'))!
);
createApp(tarball);
const appPackage = JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8'));
const installed = (name: string) => JSON.parse(readFileSync(path.join(app, 'node_modules', name, 'package.json'), 'utf8')).version as string;
const versions = {
	sv: values.sv,
	kit: installed('@sveltejs/kit'),
	vite: installed('vite'),
	svelte: installed('svelte'),
	playwright: installed('@playwright/test'),
	vitest: installed('vitest'),
	node: process.version
};

const outcomes: Outcome[] = [];
for (let i = 0; i < runs; i++) {
	for (const mode of modes) outcomes.push(await runSuite(mode));
}

console.log(
	`\nsv ${versions.sv} demo template (${ADD_ONS.join(', ')}): Kit ${versions.kit}, Vite ${versions.vite}, Svelte ${versions.svelte}, Playwright ${versions.playwright}, Vitest ${versions.vitest}, Node ${versions.node}`
);
console.log('heapwatch      | unit passed/failed | unit s | e2e passed/failed | e2e s | heapwatch lines | report.json routes');
for (const o of outcomes) {
	console.log(
		`${o.heapwatch.padEnd(14)} | ${`${o.unit.passed}/${o.unit.failed}`.padEnd(18)} | ${o.unit.seconds.toFixed(1).padStart(6)} | ${`${o.e2e.passed}/${o.e2e.failed}`.padEnd(17)} | ${o.e2e.seconds.toFixed(1).padStart(5)} | ${String(o.heapwatchLines.length).padStart(15)} | ${o.reportRoutes?.length ?? '-'}`
	);
	for (const failure of o.e2e.failures) console.log(`  failed: ${failure}`);
}
const on = outcomes.filter((o) => o.heapwatch === 'on').at(-1)!;
console.log('\nheapwatch printed (last run on):');
for (const line of on.heapwatchLines) console.log(`  ${line.trim()}`);
console.log('routes in report.json:');
for (const route of on.reportRoutes ?? [])
	console.log(`  ${routeLabel(route.id)}: ${route.requests} requests, ${route.verdict}, handles ${route.handleVerdict}`);

// The forced overlay is the before-picture, expected to differ.
const compared = outcomes.filter((o) => o.heapwatch !== 'forced-overlay');
const same = compared.every(
	(o) => o.e2e.passed === compared[0].e2e.passed && o.e2e.failed === compared[0].e2e.failed && o.unit.passed === compared[0].unit.passed
);
console.log(same ? "\nThe app's tests pass the same with heapwatch on and off." : "\nThe app's tests DIFFER with heapwatch on and off: see above.");

function printBrowsing(title: string, browsing: Browsing): void {
	console.log(`\n${title}: ${browsing.rounds} rounds of ${PAGES.length} pages and a guess in ${browsing.seconds} s`);
	for (const route of browsing.routes) {
		const error = route.standardErrorKb === null ? '' : ` ± ${route.standardErrorKb}`;
		const named = [route.keptBy && `kept by ${route.keptBy}`, route.source && `allocated at ${route.source}`].filter(Boolean).join(', ');
		console.log(
			`  ${routeLabel(route.id)}: ${route.requests} requests, ${route.verdict}, ${route.kbPerRequest}${error} KB per request, first flagged ${route.firstFlaggedAt ?? 'never'}${named ? `; ${named}` : ''}`
		);
	}
	console.log(`routes ever flagged: ${browsing.everFlagged.length === 0 ? 'none' : browsing.everFlagged.join(', ')}`);
	console.log(
		`growth nothing places: ${browsing.unplaced ? `${browsing.unplaced.kbPerRequest} KB per request over ${browsing.unplaced.requests} requests, ${browsing.unplaced.verdict}` : 'not measured'}`
	);
	for (const line of browsing.warnings) console.log(`  ${line.trim()}`);
}

let browsing: Browsing | null = null;
if (browseRounds > 0) {
	browsing = await browseApp(browseRounds);
	printBrowsing('Browsing the app as it is, heapwatch on', browsing);
}
let leakBrowsing: Browsing | null = null;
if (leakRounds > 0) {
	injectLeak();
	leakBrowsing = await browseApp(leakRounds);
	printBrowsing(`Browsing with a leak added to ${LEAKY_PAGE} (a module-level Map, ~20 KB per load)`, leakBrowsing);
}

const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30) };
mkdirSync(path.join(repoRoot, 'bench-results'), { recursive: true });
const file = path.join(repoRoot, 'bench-results', 'real-app.json');
writeFileSync(
	file,
	JSON.stringify(
		{
			machine,
			date: new Date().toISOString(),
			command: `pnpm bench:real-app --sv ${values.sv} --runs ${runs}${values['forced-overlay'] ? ' --forced-overlay' : ''} --browse ${browseRounds} --leak-rounds ${leakRounds}`,
			app: { template: 'demo', addOns: ADD_ONS, dependencies: appPackage.devDependencies },
			versions,
			same,
			outcomes,
			browsing,
			leakBrowsing
		},
		null,
		2
	)
);
console.log(`saved ${file}`);
if (values.keep) console.log(`app kept in ${app}`);
else rmSync(work, { recursive: true, force: true });
process.exitCode = same ? 0 : 1;
