import type { RetainerStep } from '../protocol/report.ts';
import type { HeapSnapshot } from './heap-snapshot.ts';
import { childByName, describeEdge, describeNode, edgeNameString, type HeapGraph } from './heap-graph.ts';

export type { RetainerStep } from '../protocol/report.ts';

/** A variable of a scope (for a module: its top-level variables) that keeps the object alive. */
export interface HoldingVariable {
	name: string;
	/** The file whose code owns the scope, or null when no function of it could be placed. */
	file: string | null;
	/** That file's script URL as V8 knows it. */
	url: string | null;
	/** The scope (a V8 Context node) and the variable's edge in it. */
	context: number;
	edge: number;
	/** Edges from the variable's value down to the object, in order. */
	chain: number[];
}

export interface NamingOptions {
	/** A V8 script id (as in the inspector's Debugger.scriptParsed) to its URL; Vite modules have no other name. */
	scriptUrl?: (scriptId: number) => string | undefined;
	/**
	 * How a position in a script (0-based, in the code V8 ran) is shown: e.g. source-mapped and relative
	 * to the app root. Default: the URL and a 1-based line. Undefined hides it.
	 */
	placeScript?: (url: string, line: number, column: number) => { file: string; line?: number } | undefined;
	/** Scripts whose variables explain a leak to the user (their own code), preferred over library scopes. */
	isAppScript?: (url: string) => boolean;
}

/** Variable names V8 gives its own slots (`.generator_object`, `.result`, `*default*`) never match this. */
const VARIABLE = /^[A-Za-z_$][\w$]*$/;
/** Nodes visited per search: an object no variable holds within this is kept by something else. */
const MAX_VISITS = 50_000;
/** Candidates to weigh once one is found: the nearest app variable beats a nearer library one. */
const MAX_CANDIDATES = 8;

/**
 * The variable nearest to an object among those that keep it alive: a breadth-first walk up its
 * retainers (never through weak edges) to the first scope variable whose scope is itself reachable.
 * Module-level variables of code that Vite evaluates live in the context of the module's function,
 * so this is where a user's `const cache = {}` shows up.
 */
export function holdingVariable(graph: HeapGraph, target: number, options: NamingOptions = {}): HoldingVariable | null {
	const { snapshot } = graph;
	const contextType = snapshot.edgeTypes.indexOf('context');
	/** For each visited node: the edge from it toward the target (-1 for the target itself). */
	const towardTarget = new Map<number, number>([[target, -1]]);
	const queue = [target];
	const candidates: HoldingVariable[] = [];
	for (let head = 0; head < queue.length && towardTarget.size < MAX_VISITS && candidates.length < MAX_CANDIDATES; head++) {
		const node = queue[head];
		for (let r = graph.firstRetainer[node]; r < graph.firstRetainer[node + 1]; r++) {
			const edge = graph.retainerEdge[r];
			const source = graph.retainerNode[r];
			if (graph.isWeak(edge) || !graph.isReachable(source)) continue;
			if (snapshot.edgeType[edge] === contextType && VARIABLE.test(snapshot.strings[snapshot.edgeName[edge]])) {
				const chain: number[] = [];
				for (let at = node; towardTarget.get(at)! !== -1; at = snapshot.edgeTo[towardTarget.get(at)!]) chain.push(towardTarget.get(at)!);
				candidates.push({ name: snapshot.strings[snapshot.edgeName[edge]], file: null, url: null, context: source, edge, chain });
				continue;
			}
			if (towardTarget.has(source)) continue;
			towardTarget.set(source, edge);
			queue.push(source);
		}
	}
	for (const candidate of candidates) {
		const owner = scopeOwner(graph, candidate.context, options);
		candidate.file = owner?.file ?? null;
		candidate.url = owner?.url ?? null;
	}
	const isApp = options.isAppScript;
	return (isApp && candidates.find((candidate) => candidate.url !== null && isApp(candidate.url))) || candidates[0] || null;
}

/** The shortest chain from the GC roots to the node, through the variable when one is given. */
export function retainerPath(graph: HeapGraph, target: number, variable: HoldingVariable | null, options: NamingOptions = {}): RetainerStep[] {
	const edges = variable ? [...rootChain(graph, variable.context), variable.edge, ...variable.chain] : rootChain(graph, target);
	return edges.map((edge) => {
		const to = graph.snapshot.edgeTo[edge];
		return { edge: describeEdge(graph.snapshot, edge), node: describeNode(graph.snapshot, to), ...placeOf(graph, to, options) };
	});
}

function rootChain(graph: HeapGraph, node: number): number[] {
	const edges: number[] = [];
	for (let at = node; graph.parentEdge[at] !== -1; at = graph.parentNode[at]) edges.push(graph.parentEdge[at]);
	return edges.reverse();
}

/** Where a function (or the function owning a scope) is defined. */
function placeOf(graph: HeapGraph, node: number, options: NamingOptions): { file?: string; line?: number } {
	const type = graph.snapshot.nodeTypes[graph.snapshot.nodeType[node]];
	if (type === 'closure') {
		const place = functionPlace(graph.snapshot, node, options);
		if (place) return place.line === undefined ? { file: place.file } : { file: place.file, line: place.line };
	} else if (isContext(graph.snapshot, node)) {
		// A scope has no line of its own; the line of a function closing over it would mislead.
		const owner = scopeOwner(graph, node, options);
		if (owner) return { file: owner.file };
	}
	return {};
}

const isContext = (snapshot: HeapSnapshot, node: number) => snapshot.strings[snapshot.nodeName[node]] === 'system / Context';

/**
 * A scope has no location of its own; the functions closing over it do (their `context` edge points at
 * it). Nested scopes link to their parent through `previous`, so look one level in as well.
 */
function scopeOwner(graph: HeapGraph, context: number, options: NamingOptions, depth = 0): Place | undefined {
	const { snapshot } = graph;
	const inner: number[] = [];
	for (let r = graph.firstRetainer[context]; r < graph.firstRetainer[context + 1]; r++) {
		const edge = graph.retainerEdge[r];
		const source = graph.retainerNode[r];
		const name = edgeNameString(snapshot, edge);
		if (name === 'context' && snapshot.nodeTypes[snapshot.nodeType[source]] === 'closure') {
			const place = functionPlace(snapshot, source, options);
			if (place) return place;
		} else if (name === 'previous' && isContext(snapshot, source)) {
			inner.push(source);
		}
	}
	if (depth >= 2) return undefined;
	for (const scope of inner.slice(0, 20)) {
		const place = scopeOwner(graph, scope, options, depth + 1);
		if (place) return place;
	}
	return undefined;
}

interface Place {
	url: string;
	file: string;
	line?: number;
}

function functionPlace(snapshot: HeapSnapshot, closure: number, options: NamingOptions): Place | undefined {
	const location = snapshot.locations.get(closure);
	const url = (location && options.scriptUrl?.(location.scriptId)) || scriptNameInSnapshot(snapshot, closure);
	if (!url) return undefined;
	const place = options.placeScript ? options.placeScript(url, location?.line ?? 0, location?.column ?? 0) : { file: url, line: location && location.line + 1 };
	if (!place) return undefined;
	return place.line === undefined ? { url, file: place.file } : { url, file: place.file, line: place.line };
}

/**
 * Without a script id map, the snapshot itself names scripts loaded from files: function -> shared
 * info -> script, whose node name is the script's name. Scripts made with `new Function` (Vite's SSR
 * modules) have none; their `//# sourceURL=` only reaches the inspector.
 */
function scriptNameInSnapshot(snapshot: HeapSnapshot, closure: number): string | undefined {
	const shared = childByName(snapshot, closure, 'shared');
	if (shared < 0) return undefined;
	let script = childByName(snapshot, shared, 'script');
	if (script < 0) script = childByName(snapshot, shared, 'script_or_debug_info');
	if (script < 0) return undefined;
	const name = snapshot.strings[snapshot.nodeName[script]];
	return name && name !== 'system / Script' ? name : undefined;
}
