/**
 * What heapwatch's module-scope watch costs (issue 14), in-process, without a dev server:
 *   - one post-GC sample's read of module scope (ScopeWatch.sample) for an app of M modules with
 *     B top-level bindings each, at two heap sizes (collections 10x fuller): the cost must follow the
 *     bindings, not the heap;
 *   - the counter bump the SSR transform puts in front of a plain assignment to a top-level `let`;
 *   - the road not taken: listing the bindings an exported function closes over through the inspector
 *     ([[Scopes]], Runtime.getProperties), per function, and how many of the declared bindings it sees.
 *
 *   node scripts/bench-scope-cost.ts
 *
 * Results are written to bench-results/scope-cost.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import { scopeRegistry } from '../packages/core/src/scope/scope-registry.ts';
import { ScopeWatch } from '../packages/core/src/scope/scope-watch.ts';
import { repoRoot } from './lib/dev-server.ts';

const ROOT = '/bench-app';
const SAMPLES = 200;

/** M route modules, each with B bindings: a Map of records, a Set, an array, a record holding a list, a number. */
function registerApp(modules: number, bindingsPerModule: number, entries: number): void {
	for (let m = 0; m < modules; m++) {
		const bindings: Parameters<ReturnType<typeof scopeRegistry>['register']>[1] = [];
		for (let b = 0; b < bindingsPerModule; b++) {
			const value = [
				() => new Map(Array.from({ length: entries }, (_, i) => [i, { i }])),
				() => new Set(Array.from({ length: entries }, (_, i) => `entry ${i}`)),
				() => Array.from({ length: entries }, (_, i) => ({ i })),
				() => ({ visits: Array.from({ length: entries }, (_, i) => i), enabled: true }),
				() => 42
			][b % 5]();
			bindings.push([`binding${b}`, b + 1, 'const', () => value, -1, 0]);
		}
		scopeRegistry().register(`${ROOT}/src/routes/r${m}/+page.server.ts`, bindings, new Uint32Array(0));
	}
}

function timeSamples(modules: number): { meanMs: number; maxMs: number } {
	const watch = new ScopeWatch({
		root: ROOT,
		tooling: [],
		classifyScript: (url) => /\/src\/routes\/(r\d+)\//.exec(url)?.[1],
		// Every module here is a route's own: none is a folder's shared file.
		routePrefixOf: () => undefined,
		onError: (error) => {
			throw error;
		}
	});
	const times: number[] = [];
	for (let sample = 1; sample <= SAMPLES; sample++) {
		const started = performance.now();
		watch.sample(() => sample, new Map(Array.from({ length: modules }, (_, m) => [`r${m}`, 1])));
		times.push(performance.now() - started);
	}
	watch.close();
	const steady = times.slice(10);
	return { meanMs: round(steady.reduce((a, b) => a + b, 0) / steady.length), maxMs: round(Math.max(...steady)) };
}

function timeCounterBump(): { plainNs: number; countedNs: number } {
	const N = 50_000_000;
	let current: object | undefined;
	const writes = new Uint32Array(1);
	const value = {};
	const plain = () => {
		for (let i = 0; i < N; i++) current = i & 1 ? value : undefined;
	};
	const counted = () => {
		// What the transform's `(__heapwatch$writes[0]++, current = ...)` does, as two statements.
		for (let i = 0; i < N; i++) {
			writes[0]++;
			current = i & 1 ? value : undefined;
		}
	};
	const time = (fn: () => void) => {
		fn();
		const started = performance.now();
		fn();
		return round(((performance.now() - started) * 1e6) / N);
	};
	const result = { plainNs: time(plain), countedNs: time(counted) };
	if (current === null) console.log(writes[0]);
	return result;
}

/** Module-runner-like modules (bindings are locals of a function; the export closes over some), read through the inspector. */
function timeInspectorScopes(modules: number): { microsecondsPerFunction: number; bindingsSeen: number; bindingsDeclared: number } {
	const global = globalThis as Record<string, unknown>;
	for (let m = 0; m < modules; m++) {
		global[`__heapwatchBench${m}`] = new Function(
			'const cache = new Map([[1, 1]]); const seen = new Set(); let current; const unused = [1, 2];' +
				'return { load() { cache.set(Math.random(), 1); seen.add(1); current = 1; return current; } };'
		)();
	}
	const session = new Session();
	session.connect();
	// An in-process session answers synchronously.
	const post = <T>(method: string, params?: object): T => {
		let result: T | undefined;
		session.post(method, params, (error, value) => {
			if (error) throw error;
			result = value as T;
		});
		return result!;
	};
	type Properties = {
		result: { value?: { objectId?: string; description?: string } }[];
		internalProperties?: { name: string; value: { objectId?: string } }[];
	};
	post('Runtime.enable');
	let seen = 0;
	const started = performance.now();
	for (let m = 0; m < modules; m++) {
		const fn = post<{ result: { objectId: string } }>('Runtime.evaluate', { expression: `globalThis.__heapwatchBench${m}.load`, objectGroup: 'bench' }).result
			.objectId;
		const scopes = post<Properties>('Runtime.getProperties', { objectId: fn, ownProperties: true }).internalProperties?.find((p) => p.name === '[[Scopes]]');
		for (const scope of post<Properties>('Runtime.getProperties', { objectId: scopes!.value.objectId, ownProperties: true }).result) {
			if (scope.value?.objectId && scope.value.description?.startsWith('Closure')) {
				seen += post<Properties>('Runtime.getProperties', { objectId: scope.value.objectId, ownProperties: true }).result.length;
			}
		}
		post('Runtime.releaseObjectGroup', { objectGroup: 'bench' });
	}
	const microsecondsPerFunction = round(((performance.now() - started) * 1000) / modules);
	session.disconnect();
	for (let m = 0; m < modules; m++) delete global[`__heapwatchBench${m}`];
	return { microsecondsPerFunction, bindingsSeen: seen, bindingsDeclared: modules * 4 };
}

const round = (value: number) => Math.round(value * 1000) / 1000;
const results: Record<string, unknown>[] = [];
for (const [modules, bindings, entries] of [
	[50, 5, 1_000],
	[50, 5, 10_000],
	[200, 5, 1_000],
	[200, 5, 10_000],
	[200, 20, 1_000]
]) {
	for (const module of [...scopeRegistry().modules()]) scopeRegistry().register(module.file, [], new Uint32Array(0));
	registerApp(modules, bindings, entries);
	const heapMb = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
	const row = { modules, bindingsPerModule: bindings, entriesPerCollection: entries, heapMb, ...timeSamples(modules) };
	results.push(row);
	console.log(row);
}
const bump = timeCounterBump();
console.log('assignment to a top-level let, per write:', bump);
const inspector = timeInspectorScopes(200);
console.log('through the inspector instead, listing the names of what a function closes over:', inspector);
const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
mkdirSync(path.join(repoRoot, 'bench-results'), { recursive: true });
writeFileSync(
	path.join(repoRoot, 'bench-results', 'scope-cost.json'),
	JSON.stringify({ machine, date: new Date().toISOString(), samples: results, counterBump: bump, inspector }, null, 2)
);
console.log(machine);
