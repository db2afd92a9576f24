import { getHeapSpaceStatistics } from 'node:v8';
import type { MemoryFigures } from '../protocol/report.ts';

/** Spaces of the young generation: what was allocated since the last GC lives there. */
const YOUNG_SPACES = new Set(['new_space', 'new_large_object_space']);

/**
 * Memory right after a major GC, as the old generation holds it. After our own forced GC the young
 * generation is empty anyway; after one of V8's, read a moment later (the GC observer runs ~1 ms after
 * it ends, measured), the young generation already holds new allocations, garbage or not, and the old
 * one has changed only by what a scavenge promoted since. Both kinds of sample are read this one way.
 */
export function readPostGcMemory(): MemoryFigures {
	let heapUsed = 0;
	for (const space of getHeapSpaceStatistics()) {
		if (!YOUNG_SPACES.has(space.space_name)) heapUsed += space.space_used_size;
	}
	const { external, arrayBuffers } = process.memoryUsage();
	return { heapUsed, external, arrayBuffers };
}
