import { describe, expect, it } from 'vitest';
import { scopeRegistry } from '../src/scope/scope-registry.ts';
import { ScopeWatch } from '../src/scope/scope-watch.ts';

const ROOT = '/app';
/** What the plugin tells core of the app's routes folder: the route id prefix a file's folder stands for. */
const routePrefixOf = (file: string) => (file.startsWith(`${ROOT}/src/routes/`) ? file.slice(`${ROOT}/src/routes`.length, file.lastIndexOf('/')) : undefined);
let files = 0;

/** A route module with one top-level Map, registered as the SSR transform would; `request()` runs its load once. */
function routeWithMap(load: (cache: Map<number, number>, request: number) => void, evicts = false) {
	const file = `${ROOT}/src/routes/r${files++}/+page.server.ts`;
	const cache = new Map<number, number>();
	scopeRegistry().register(file, [['cache', 3, 'const', () => cache, -1, evicts ? 1 : 0]], new Uint32Array(0));
	const owner = file.slice(`${ROOT}/src/routes`.length, -'/+page.server.ts'.length);
	let requests = 0;
	const watch = new ScopeWatch({
		root: ROOT,
		tooling: [],
		classifyScript: (url) => (url === file ? owner : undefined),
		routePrefixOf,
		onError: (error) => expect.fail(String(error))
	});
	return {
		watch,
		owner,
		/** n requests, then a post-GC sample. */
		run(n: number) {
			for (let i = 0; i < n; i++) load(cache, ++requests);
			watch.sample((key) => (key === owner ? requests : 0), new Map([[owner, n]]));
		}
	};
}

describe('ScopeWatch', () => {
	it('names the Map that grows with every request, at its declaration, and flags it by count', () => {
		const route = routeWithMap((cache, request) => cache.set(request, request));
		for (let i = 0; i < 12; i++) route.run(1);
		expect(route.watch.keptBy(route.owner)).toEqual([
			{ name: 'cache', kind: 'Map', file: `src/routes${route.owner}/+page.server.ts`, line: 3, entriesPerRequest: 1, entries: 12, unbounded: true }
		]);
		expect(route.watch.verdictOf(route.owner, 'ok', 'ok', 20)).toBe('leak'); // Alone in growing, it is given the route's retained bytes per request.
		expect(route.watch.keptBy(route.owner, 1234.4)[0].bytesPerRequest).toBe(1234);
	});

	it('holds a heap leak back while a 25-entry LRU fills and for four windows after, then lets the heap decide', () => {
		const route = routeWithMap((cache, request) => {
			if (cache.size >= 25) cache.delete(cache.keys().next().value!);
			cache.set(request, request);
		}, true);
		const verdicts: string[] = [];
		for (let i = 0; i < 25 + 4 * 20 + 5; i++) {
			route.run(1);
			verdicts.push(route.watch.verdictOf(route.owner, 'leak', 'ok', 20));
		}
		// From the second sample on: one point shows no growth yet (and a heap estimate needs several requests).
		expect(verdicts.slice(1, 25 + 4 * 20 - 1)).not.toContain('leak');
		expect(verdicts.at(-1)).toBe('leak');
	});

	it('remembers a fill across a new instance of the module (Vite evaluated it again)', () => {
		const route = routeWithMap((cache, request) => {
			if (cache.size >= 25) cache.delete(cache.keys().next().value!);
			cache.set(request, request);
		}, true);
		for (let i = 0; i < 30; i++) route.run(1);
		const [module] = [...scopeRegistry().modules()].filter((m) => m.file.endsWith(`${route.owner}/+page.server.ts`));
		const full = new Map(Array.from({ length: 25 }, (_, i) => [i, i]));
		scopeRegistry().register(module.file, [['cache', 3, 'const', () => full, -1, 1]], new Uint32Array(0));
		route.run(1);
		expect(route.watch.verdictOf(route.owner, 'leak', 'ok', 20)).toBe('ok');
	});

	it('does not hold a heap leak back for a collection that gains an entry now and then', () => {
		const route = routeWithMap((cache, request) => request % 30 === 0 && cache.set(request, request));
		for (let i = 0; i < 100; i++) route.run(1);
		expect(route.watch.verdictOf(route.owner, 'leak', 'ok', 20)).toBe('leak');
		expect(route.watch.verdictOf(route.owner, 'ok', 'ok', 20)).toBe('ok');
	});

	it("attributes a module beside a route's files (a remote function) to the one route under its folder", () => {
		const file = `${ROOT}/src/routes/reports/data.remote.ts`;
		const reports = new Map<number, number>();
		scopeRegistry().register(file, [['reports', 4, 'const', () => reports, -1, 0]], new Uint32Array(0));
		const watch = new ScopeWatch({ root: ROOT, tooling: [], classifyScript: () => undefined, routePrefixOf, onError: (error) => expect.fail(String(error)) });
		for (let request = 1; request <= 12; request++) {
			reports.set(request, request);
			watch.sample((key) => (key === '/reports/[id]' ? request : 0), new Map([['/reports/[id]', 1]]));
		}
		expect(watch.keptBy('/reports/[id]')).toEqual([
			expect.objectContaining({ name: 'reports', file: 'src/routes/reports/data.remote.ts', line: 4, unbounded: true })
		]);
		// A second route under the folder: nothing tells which one grows it.
		watch.sample(() => 13, new Map([['/reports/summary', 1]]));
		expect(watch.keptBy('/reports/[id]')).toEqual([]);
		watch.close();
	});

	it('starts a module over when a new instance of it registers (an HMR edit), and drops the old one', () => {
		const route = routeWithMap((cache, request) => cache.set(request, request));
		for (let i = 0; i < 12; i++) route.run(1);
		const [module] = [...scopeRegistry().modules()].filter((m) => m.file.endsWith(`${route.owner}/+page.server.ts`));
		const fresh = new Map();
		scopeRegistry().register(module.file, [['cache', 3, 'const', () => fresh, -1, 0]], new Uint32Array(0));
		route.run(1);
		expect(route.watch.keptBy(route.owner)).toEqual([]);
		expect([...scopeRegistry().modules()].filter((m) => m.file === module.file)).toHaveLength(1);
	});
});

describe('ScopeWatch, a #lib module', () => {
	/** A src/lib module with a growing Map, imported by `importers` (a route file, or another #lib module, each with its importers). */
	function libWith(importers: Record<string, string[]>) {
		const file = `${ROOT}/src/lib/helper${files++}.ts`;
		const cache = new Map<number, number>();
		scopeRegistry().register(file, [['memo', 2, 'const', () => cache, -1, 0]], new Uint32Array(0));
		const owners = new Map([
			[`${ROOT}/src/routes/a/+page.server.ts`, '/a'],
			[`${ROOT}/src/routes/b/+page.server.ts`, '/b']
		]);
		const watch = new ScopeWatch({
			root: ROOT,
			tooling: [],
			classifyScript: (url) => owners.get(url),
			importersOf: (module) => (module === file ? importers.self : (importers[module] ?? [])),
			routePrefixOf,
			onError: (error) => expect.fail(String(error))
		});
		let requests = 0;
		for (let i = 0; i < 12; i++) {
			cache.set(++requests, requests);
			watch.sample(() => requests, new Map([['/a', 1]]));
		}
		return watch;
	}
	const routeA = `${ROOT}/src/routes/a/+page.server.ts`;
	const routeB = `${ROOT}/src/routes/b/+page.server.ts`;

	it("belongs to the one route whose files import it, directly or through other modules: that route's keeper", () => {
		const middle = `${ROOT}/src/lib/middle.ts`;
		const watch = libWith({ self: [middle], [middle]: [routeA] });
		expect(watch.keptBy('/a')).toMatchObject([{ name: 'memo', file: expect.stringMatching(/^src\/lib\/helper\d+\.ts$/), line: 2, unbounded: true }]);
	});

	it("never holds its route's heap verdict back while it fills: a pool's set of connections is no cache of the route's", () => {
		const file = `${ROOT}/src/lib/pool${files++}.ts`;
		const inUse = new Set<number>();
		scopeRegistry().register(file, [['inUse', 3, 'const', () => inUse, -1, 1]], new Uint32Array(0));
		const watch = new ScopeWatch({
			root: ROOT,
			tooling: [],
			classifyScript: (url) => (url === routeA ? '/a' : undefined),
			importersOf: (module) => (module === file ? [routeA] : []),
			routePrefixOf,
			onError: (error) => expect.fail(String(error))
		});
		let requests = 0;
		for (let i = 0; i < 6; i++) {
			requests++;
			if (inUse.size < 8) inUse.add(requests);
			watch.sample(() => requests, new Map([['/a', 1]]));
		}
		expect(watch.keptBy('/a')).toMatchObject([{ name: 'inUse', unbounded: false }]);
		expect(watch.verdictOf('/a', 'leak', 'ok', 20)).toBe('leak');
	});

	it('belongs to no route when two routes import it: nothing tells whose requests grew it', () => {
		const watch = libWith({ self: [routeA, routeB] });
		expect(watch.keptBy('/a')).toEqual([]);
		expect(watch.keptBy('/b')).toEqual([]);
	});
});
