import type { MemoryFigures } from '../protocol.ts';

/** Heap, and the memory outside it that Buffers and ArrayBuffers hold (external includes arrayBuffers). */
export function readMemory(): MemoryFigures {
	const { heapUsed, external, arrayBuffers } = process.memoryUsage();
	return { heapUsed, external, arrayBuffers };
}

/** The one figure a leak grows: what the V8 heap and its external allocations keep. */
export function retainedTotal(memory: MemoryFigures): number {
	return memory.heapUsed + memory.external;
}
