import type { MemoryFigures } from '../protocol.ts';

/** Heap, and the memory outside it that Buffers and ArrayBuffers hold (external includes arrayBuffers). */
export function readMemory(): MemoryFigures {
	const { heapUsed, external, arrayBuffers } = process.memoryUsage();
	return { heapUsed, external, arrayBuffers };
}
