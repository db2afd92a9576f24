import { getHeapSpaceStatistics } from 'node:v8';

/**
 * Where what requests keep lives: V8's old generation for objects and its large-object space for big
 * arrays and strings. Code and bytecode (code_space, trusted_space) are left out: the JIT fills them for
 * minutes after a deploy whatever the traffic, growth a regression on request counts would pin on the
 * routes. The young generation is left out too: after V8's own GC it already holds new allocations.
 */
const RETAINING_SPACES = new Set(['old_space', 'large_object_space']);

/** Bytes of objects and Buffers alive right after a major GC: the old generation's objects plus V8's `external`. */
export function readRetainedMemory(): { heap: number; external: number } {
	let heap = 0;
	for (const space of getHeapSpaceStatistics()) if (RETAINING_SPACES.has(space.space_name)) heap += space.space_used_size;
	return { heap, external: process.memoryUsage().external };
}
