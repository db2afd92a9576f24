import { readFile } from 'node:fs/promises';

/**
 * A V8 heap snapshot (the `.heapsnapshot` JSON that `v8.writeHeapSnapshot` and Chrome DevTools
 * write), held as flat typed arrays the way DevTools holds it: a few bytes per node and edge instead
 * of a JS object each. Nodes are addressed by ordinal (0 is the synthetic root), edges by ordinal.
 */
export interface HeapSnapshot {
	nodeCount: number;
	edgeCount: number;
	nodeTypes: string[];
	edgeTypes: string[];
	strings: string[];
	/** Per node: type index, name string index, V8 heap object id, self size, first edge ordinal. */
	nodeType: Uint8Array;
	nodeName: Uint32Array;
	nodeId: Uint32Array;
	nodeSelfSize: Uint32Array;
	/** Edges of node n are firstEdge[n] .. firstEdge[n + 1] - 1. */
	firstEdge: Uint32Array;
	/** Per edge: type index, name (a string index, or an element index), target node ordinal. */
	edgeType: Uint8Array;
	edgeName: Uint32Array;
	edgeTo: Uint32Array;
	/** Where a closure's function starts: node ordinal -> script id, 0-based line and column. */
	locations: Map<number, { scriptId: number; line: number; column: number }>;
}

interface Meta {
	node_fields: string[];
	node_types: [string[], ...unknown[]];
	edge_fields: string[];
	edge_types: [string[], ...unknown[]];
	location_fields?: string[];
}

interface Header {
	snapshot: { meta: Meta; node_count: number; edge_count: number };
}

const COMMA = 0x2c;
const CLOSE_BRACKET = 0x5d;

/**
 * Reads a snapshot file. The numeric sections (most of the file) are read straight from the bytes;
 * only the header and the string table go through JSON.parse, so a large snapshot never becomes one
 * huge JS string.
 */
export async function readHeapSnapshot(file: string): Promise<HeapSnapshot> {
	return parseHeapSnapshot(await readFile(file));
}

export function parseHeapSnapshot(bytes: Uint8Array): HeapSnapshot {
	const text = (start: number, end: number) => Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
	const nodesAt = sectionStart(bytes, '"nodes":[', 0);
	// The header is everything before "nodes": `{"snapshot":{...},` -> close it and parse.
	const header = JSON.parse(text(0, nodesAt - '"nodes":['.length).replace(/,\s*$/, '') + '}') as Header;
	const { meta, node_count: nodeCount, edge_count: edgeCount } = header.snapshot;

	const nodeFields = meta.node_fields;
	const edgeFields = meta.edge_fields;
	const nodes = readNumbers(bytes, nodesAt, nodeCount * nodeFields.length);
	const edgesAt = sectionStart(bytes, '"edges":[', nodes.end);
	const edges = readNumbers(bytes, edgesAt, edgeCount * edgeFields.length);

	const field = (fields: string[], name: string) => {
		const index = fields.indexOf(name);
		if (index < 0) throw new Error(`heap snapshot has no "${name}" field (fields: ${fields.join(', ')})`);
		return index;
	};
	const [nType, nName, nId, nSize, nEdges] = ['type', 'name', 'id', 'self_size', 'edge_count'].map((name) => field(nodeFields, name));
	const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((name) => field(edgeFields, name));

	const snapshot: HeapSnapshot = {
		nodeCount,
		edgeCount,
		nodeTypes: meta.node_types[0],
		edgeTypes: meta.edge_types[0],
		strings: [],
		nodeType: new Uint8Array(nodeCount),
		nodeName: new Uint32Array(nodeCount),
		nodeId: new Uint32Array(nodeCount),
		nodeSelfSize: new Uint32Array(nodeCount),
		firstEdge: new Uint32Array(nodeCount + 1),
		edgeType: new Uint8Array(edgeCount),
		edgeName: new Uint32Array(edgeCount),
		edgeTo: new Uint32Array(edgeCount),
		locations: new Map()
	};
	let edge = 0;
	for (let n = 0, base = 0; n < nodeCount; n++, base += nodeFields.length) {
		snapshot.nodeType[n] = nodes.values[base + nType];
		snapshot.nodeName[n] = nodes.values[base + nName];
		snapshot.nodeId[n] = nodes.values[base + nId];
		snapshot.nodeSelfSize[n] = nodes.values[base + nSize];
		snapshot.firstEdge[n] = edge;
		edge += nodes.values[base + nEdges];
	}
	snapshot.firstEdge[nodeCount] = edge;
	if (edge !== edgeCount) throw new Error(`heap snapshot is inconsistent: nodes declare ${edge} edges, the header ${edgeCount}`);
	for (let e = 0, base = 0; e < edgeCount; e++, base += edgeFields.length) {
		snapshot.edgeType[e] = edges.values[base + eType];
		snapshot.edgeName[e] = edges.values[base + eName];
		// to_node is an offset into the flat nodes array, not an ordinal.
		snapshot.edgeTo[e] = edges.values[base + eTo] / nodeFields.length;
	}

	let after = edges.end;
	const locationFields = meta.location_fields;
	const locationsAt = locationFields ? findSection(bytes, '"locations":[', after) : -1;
	if (locationFields && locationsAt >= 0) {
		const locations = readNumbers(bytes, locationsAt, -1);
		const [lObject, lScript, lLine, lColumn] = ['object_index', 'script_id', 'line', 'column'].map((name) => field(locationFields, name));
		const size = locationFields.length;
		for (let base = 0; base + size <= locations.values.length; base += size) {
			snapshot.locations.set(locations.values[base + lObject] / nodeFields.length, {
				scriptId: locations.values[base + lScript],
				line: locations.values[base + lLine],
				column: locations.values[base + lColumn]
			});
		}
		after = locations.end;
	}
	const stringsAt = sectionStart(bytes, '"strings":[', after);
	const stringsEnd = bytes.lastIndexOf(CLOSE_BRACKET);
	snapshot.strings = JSON.parse(text(stringsAt - 1, stringsEnd + 1)) as string[];
	return snapshot;
}

function findSection(bytes: Uint8Array, marker: string, from: number): number {
	const at = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(marker, from, 'latin1');
	return at < 0 ? -1 : at + marker.length;
}

function sectionStart(bytes: Uint8Array, marker: string, from: number): number {
	const at = findSection(bytes, marker, from);
	if (at < 0) throw new Error(`not a V8 heap snapshot: no ${marker.slice(0, -2)} section`);
	return at;
}

/**
 * Reads a JSON array of non-negative integers starting right after its `[`. `count` < 0: unknown
 * length. Values are at most 2^32 - 1 (V8's ids, sizes and offsets fit).
 */
function readNumbers(bytes: Uint8Array, start: number, count: number): { values: Uint32Array | number[]; end: number } {
	const values: Uint32Array | number[] = count >= 0 ? new Uint32Array(count) : [];
	let index = 0;
	let value = 0;
	let inNumber = false;
	let i = start;
	for (; i < bytes.length; i++) {
		const byte = bytes[i];
		if (byte >= 0x30 && byte <= 0x39) {
			value = value * 10 + (byte - 0x30);
			inNumber = true;
		} else if (byte === COMMA || byte === CLOSE_BRACKET) {
			if (inNumber) {
				if (count >= 0 && index >= count) throw new Error(`heap snapshot section at byte ${start} holds more than the ${count} numbers its header declares`);
				values[index++] = value;
			}
			value = 0;
			inNumber = false;
			if (byte === CLOSE_BRACKET) break;
		}
	}
	if (count >= 0 && index !== count) throw new Error(`heap snapshot section at byte ${start} holds ${index} numbers, its header declares ${count}`);
	return { values, end: i + 1 };
}
