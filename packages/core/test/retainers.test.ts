import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseGrowth, type GrowthAnalysis } from '../src/retainers/analyse-growth.ts';
import { parseHeapSnapshot } from '../src/retainers/heap-snapshot.ts';
import { declarationLine } from '../src/retainers/declaration-line.ts';

const src = (file: string) => pathToFileURL(path.resolve(import.meta.dirname, '../src/retainers', file)).href;

// A tiny app in its own process: an ES module with a module-level Map, and a module evaluated the
// way Vite's SSR runner does it (`new AsyncFunction` + `//# sourceURL=`) with a module-level object.
const SESSIONS_MODULE = `const sessions = new Map();
export function remember(id) {
	sessions.set(id, { id, items: Array.from({ length: 300 }, (_, index) => ({ index })) });
}
export function passThrough(id) {
	return Array.from({ length: 300 }, (_, index) => ({ id, index })).length;
}
`;
const VITE_LIKE_MODULE = `const globalCache = {};
exports.load = async (id) => { globalCache[id] = Array.from({ length: 300 }, (_, score) => ({ id, score })); };
//# sourceURL=/app/src/routes/cache/+page.server.ts`;
const MAIN = `import { writeFileSync } from 'node:fs';
import { remember, passThrough } from './sessions.mjs';
import { captureHeapSnapshot } from '${src('capture.ts')}';
import { loadedScriptUrls } from '${src('script-urls.ts')}';
const AsyncFunction = (async () => {}).constructor;
const exports = {};
await new AsyncFunction('exports', ${JSON.stringify(VITE_LIKE_MODULE)})(exports);
const [dir, kind] = process.argv.slice(2);
const work = { module: remember, vite: exports.load, transient: passThrough }[kind];
const grow = async (round, n) => { for (let i = 0; i < n; i++) await work(round + i); };
await grow('warm', 3);
captureHeapSnapshot(dir + '/before.heapsnapshot');
await grow('measured', 5);
captureHeapSnapshot(dir + '/after.heapsnapshot');
writeFileSync(dir + '/scripts.json', JSON.stringify([...loadedScriptUrls()]));
`;

let root: string;
const results: Record<string, GrowthAnalysis> = {};
const dirOf = (kind: string) => path.join(root, kind);

beforeAll(async () => {
	root = mkdtempSync(path.join(tmpdir(), 'heapwatch-retainers-'));
	writeFileSync(path.join(root, 'sessions.mjs'), SESSIONS_MODULE);
	writeFileSync(path.join(root, 'main.mjs'), MAIN);
	for (const kind of ['module', 'vite', 'transient']) {
		mkdirSync(dirOf(kind));
		execFileSync(process.execPath, [path.join(root, 'main.mjs'), dirOf(kind), kind], { cwd: root, stdio: 'pipe' });
		const urls = new Map<number, string>(JSON.parse(readFileSync(path.join(dirOf(kind), 'scripts.json'), 'utf8')));
		results[kind] = await analyseGrowth(path.join(dirOf(kind), 'before.heapsnapshot'), path.join(dirOf(kind), 'after.heapsnapshot'), {
			scriptUrl: (id) => urls.get(id)
		});
	}
});

afterAll(() => {
	if (root) rmSync(root, { recursive: true, force: true });
});

describe('parseHeapSnapshot', () => {
	it('reads the same nodes, edges and strings as JSON.parse', () => {
		const bytes = readFileSync(path.join(dirOf('module'), 'after.heapsnapshot'));
		const snapshot = parseHeapSnapshot(bytes);
		const json = JSON.parse(bytes.toString('utf8'));
		const nodeFields = json.snapshot.meta.node_fields.length;
		const edgeFields = json.snapshot.meta.edge_fields.length;
		expect(snapshot.nodeCount * nodeFields).toBe(json.nodes.length);
		expect(snapshot.edgeCount * edgeFields).toBe(json.edges.length);
		expect(snapshot.strings).toEqual(json.strings);
		expect(snapshot.locations.size * json.snapshot.meta.location_fields.length).toBe(json.locations.length);
		for (const node of [0, 1, snapshot.nodeCount >> 1, snapshot.nodeCount - 1]) {
			expect(snapshot.nodeId[node]).toBe(json.nodes[node * nodeFields + 2]);
			expect(snapshot.nodeSelfSize[node]).toBe(json.nodes[node * nodeFields + 3]);
		}
		const lastEdge = snapshot.edgeCount - 1;
		expect(snapshot.edgeTo[lastEdge] * nodeFields).toBe(json.edges[lastEdge * edgeFields + 2]);
	});

	it('rejects a file that is not a heap snapshot', () => {
		expect(() => parseHeapSnapshot(Buffer.from('{"hello":1}'))).toThrow('not a V8 heap snapshot: no "nodes" section');
	});
});

describe('analyseGrowth on real snapshots', () => {
	it('finds the objects a module-level Map kept, and names the Map and its module', () => {
		const { grown, variable, path: chain } = results.module;
		// 5 sessions of 300 items each, plus the 5 session objects.
		expect(grown[0]).toMatchObject({ name: 'Object' });
		expect(grown[0].count).toBeGreaterThanOrEqual(1505);
		expect(variable).toEqual({ name: 'sessions', file: pathToFileURL(path.join(root, 'sessions.mjs')).href });
		const at = chain.findIndex((step) => step.edge === 'sessions');
		expect(chain[at]).toMatchObject({ node: 'Map' });
		expect(chain[at - 1]).toMatchObject({ node: 'system / Context', file: variable!.file });
		expect(chain.at(-1)!.node).toBe('Object');
	});

	it('names the variable and the sourceURL of a module evaluated like Vite does', () => {
		const { grown, variable, path: chain } = results.vite;
		expect(grown[0].name).toBe('Object');
		expect(grown[0].count).toBeGreaterThanOrEqual(1500);
		expect(variable).toEqual({ name: 'globalCache', file: '/app/src/routes/cache/+page.server.ts' });
		expect(chain.map((step) => step.edge)).toContain('globalCache');
		// The chain starts at a GC root and every step names what it reaches.
		expect(chain.every((step) => step.node.length > 0)).toBe(true);
	});

	it('reports no growth for objects a request made and let go', () => {
		const { grown, variable } = results.transient;
		expect(grown.filter((group) => group.count >= 300)).toEqual([]);
		expect(variable?.name).not.toBe('sessions');
	});
});

describe('declarationLine', () => {
	it('finds const, let, var, function and class declarations, 1-based', () => {
		const source = 'import x from "y";\n\n// the cache\nconst globalCache = {};\nlet count = 0;\nexport function load() {}\nclass Store {}\nvar $old = 1;\n';
		expect(declarationLine(source, 'globalCache')).toBe(4);
		expect(declarationLine(source, 'count')).toBe(5);
		expect(declarationLine(source, 'load')).toBe(6);
		expect(declarationLine(source, 'Store')).toBe(7);
		expect(declarationLine(source, '$old')).toBe(8);
	});

	it('does not match a longer name or a mere use', () => {
		expect(declarationLine('const globalCacheSize = 1;\nglobalCache[id] = 2;\n', 'globalCache')).toBeUndefined();
	});
});
