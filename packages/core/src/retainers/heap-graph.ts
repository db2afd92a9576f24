import type { HeapSnapshot } from './heap-snapshot.ts';

/**
 * The snapshot as a graph to walk both ways: a breadth-first tree from the GC roots (so every live
 * node has a shortest path back to a root) and, per node, the edges that point at it.
 */
export interface HeapGraph {
	snapshot: HeapSnapshot;
	/** Per node: the edge that reached it first from the roots, and that edge's source; -1 if unreached. */
	parentEdge: Int32Array;
	parentNode: Int32Array;
	/** Edges pointing at node n: retainerEdge[firstRetainer[n] .. firstRetainer[n + 1] - 1], sources alike. */
	firstRetainer: Uint32Array;
	retainerEdge: Uint32Array;
	retainerNode: Uint32Array;
	isWeak(edge: number): boolean;
	isReachable(node: number): boolean;
}

const ROOT = 0;

export function buildHeapGraph(snapshot: HeapSnapshot): HeapGraph {
	const { nodeCount, edgeCount, firstEdge, edgeTo } = snapshot;
	const weak = snapshot.edgeTypes.indexOf('weak');
	const isWeak = (edge: number) => snapshot.edgeType[edge] === weak;

	// Retainers by target, built with a counting sort over the edges.
	const firstRetainer = new Uint32Array(nodeCount + 1);
	for (let e = 0; e < edgeCount; e++) firstRetainer[edgeTo[e] + 1]++;
	for (let n = 0; n < nodeCount; n++) firstRetainer[n + 1] += firstRetainer[n];
	const filled = firstRetainer.slice(0, nodeCount);
	const retainerEdge = new Uint32Array(edgeCount);
	const retainerNode = new Uint32Array(edgeCount);
	for (let n = 0; n < nodeCount; n++) {
		for (let e = firstEdge[n]; e < firstEdge[n + 1]; e++) {
			const slot = filled[edgeTo[e]]++;
			retainerEdge[slot] = e;
			retainerNode[slot] = n;
		}
	}

	// Weak edges keep nothing alive, so a path through one explains nothing.
	const parentEdge = new Int32Array(nodeCount).fill(-1);
	const parentNode = new Int32Array(nodeCount).fill(-1);
	const queue = new Uint32Array(nodeCount);
	let head = 0;
	let tail = 0;
	queue[tail++] = ROOT;
	parentNode[ROOT] = ROOT;
	while (head < tail) {
		const node = queue[head++];
		for (let e = firstEdge[node]; e < firstEdge[node + 1]; e++) {
			const to = edgeTo[e];
			if (parentNode[to] !== -1 || isWeak(e)) continue;
			parentNode[to] = node;
			parentEdge[to] = e;
			queue[tail++] = to;
		}
	}

	return {
		snapshot,
		parentEdge,
		parentNode,
		firstRetainer,
		retainerEdge,
		retainerNode,
		isWeak,
		isReachable: (node) => parentNode[node] !== -1
	};
}

/** How DevTools would name a node in a retainer list: constructor, function or string. */
export function describeNode(snapshot: HeapSnapshot, node: number): string {
	const type = snapshot.nodeTypes[snapshot.nodeType[node]];
	const name = snapshot.strings[snapshot.nodeName[node]];
	switch (type) {
		case 'closure':
			return `${name || '(anonymous)'}()`;
		case 'string':
		case 'concatenated string':
		case 'sliced string':
			return JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
		case 'number':
			return '(heap number)';
		default:
			return name || `(${type})`;
	}
}

/** An edge as it reads in code: `.key`, `[3]`, a variable name, or an engine-internal link. */
export function describeEdge(snapshot: HeapSnapshot, edge: number): string {
	const type = snapshot.edgeTypes[snapshot.edgeType[edge]];
	const nameOrIndex = snapshot.edgeName[edge];
	switch (type) {
		case 'element':
			return `[${nameOrIndex}]`;
		case 'hidden':
			return `(hidden ${nameOrIndex})`;
		case 'context':
			return snapshot.strings[nameOrIndex];
		case 'property':
			return `.${snapshot.strings[nameOrIndex]}`;
		default:
			return `(${type} ${snapshot.strings[nameOrIndex]})`;
	}
}

/** The edge's name when it is a string (property, context, internal, shortcut edges). */
export function edgeNameString(snapshot: HeapSnapshot, edge: number): string | undefined {
	const type = snapshot.edgeTypes[snapshot.edgeType[edge]];
	return type === 'element' || type === 'hidden' ? undefined : snapshot.strings[snapshot.edgeName[edge]];
}

/** The node an edge of `node` named `name` points at, or -1. */
export function childByName(snapshot: HeapSnapshot, node: number, name: string): number {
	for (let e = snapshot.firstEdge[node]; e < snapshot.firstEdge[node + 1]; e++) {
		if (edgeNameString(snapshot, e) === name) return snapshot.edgeTo[e];
	}
	return -1;
}
