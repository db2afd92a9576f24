import type { HeapSnapshot } from './heap-snapshot.ts';
import type { HeapGraph } from './heap-graph.ts';

/** Objects of one kind that exist in the later snapshot only, and are still reachable. */
export interface GrownGroup {
	/** Constructor name (`Object`, `Map`), or a kind in parentheses: `(string)`, `(closure)`, `(array)`. */
	name: string;
	count: number;
	selfBytes: number;
	/** Node ordinals of the members in the later snapshot, at most MAX_MEMBERS, spread over the group. */
	members: number[];
}

const MAX_MEMBERS = 64;

/**
 * Engine internals that every request churns (compiled code, hidden classes, feedback): growth there
 * is JIT warm-up, never the app's data, and DevTools hides most of it under "(system)" anyway.
 */
const INTERNAL_TYPES = new Set(['hidden', 'code', 'object shape', 'synthetic']);

/** Node's own objects (`Node / IsolateData`): synthesized per snapshot with fresh ids, so always "new". */
const EMBEDDER_PREFIX = 'Node / ';

/** The ids of every object in a snapshot, sorted: what "already existed" means for the next one. */
export function objectIds(snapshot: HeapSnapshot): Uint32Array {
	return snapshot.nodeId.slice().sort();
}

/**
 * V8 gives each heap object an id that stays the same across snapshots of one process, so objects
 * whose id the earlier snapshot lacks were allocated in between; the reachable ones were kept.
 */
export function grownObjects(graph: HeapGraph, earlierIds: Uint32Array): GrownGroup[] {
	const { snapshot } = graph;
	const groups = new Map<string, GrownGroup & { seen: number }>();
	for (let node = 1; node < snapshot.nodeCount; node++) {
		if (!graph.isReachable(node)) continue;
		const type = snapshot.nodeTypes[snapshot.nodeType[node]];
		if (INTERNAL_TYPES.has(type) || contains(earlierIds, snapshot.nodeId[node])) continue;
		const name = groupName(snapshot, node, type);
		if (name.startsWith(EMBEDDER_PREFIX)) continue;
		let group = groups.get(name);
		if (!group) groups.set(name, (group = { name, count: 0, selfBytes: 0, members: [], seen: 0 }));
		group.count++;
		group.selfBytes += snapshot.nodeSelfSize[node];
		// Reservoir-free thinning: keep every k-th member once full, so members span the group.
		if (group.members.length < MAX_MEMBERS) group.members.push(node);
		else if (++group.seen % Math.ceil(group.count / MAX_MEMBERS) === 0) group.members[group.seen % MAX_MEMBERS] = node;
	}
	return [...groups.values()].map(({ seen: _, ...group }) => group).sort((a, b) => b.selfBytes - a.selfBytes);
}

function groupName(snapshot: HeapSnapshot, node: number, type: string): string {
	switch (type) {
		case 'object':
		case 'native':
			return snapshot.strings[snapshot.nodeName[node]] || `(${type})`;
		case 'concatenated string':
		case 'sliced string':
			return '(string)';
		case 'number':
			return '(heap number)';
		default:
			return `(${type})`;
	}
}

function contains(sorted: Uint32Array, id: number): boolean {
	let low = 0;
	let high = sorted.length - 1;
	while (low <= high) {
		const middle = (low + high) >>> 1;
		const value = sorted[middle];
		if (value === id) return true;
		if (value < id) low = middle + 1;
		else high = middle - 1;
	}
	return false;
}
