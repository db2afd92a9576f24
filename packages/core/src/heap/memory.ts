import { getHeapStatistics } from 'node:v8';
import type { MemoryFigures } from '../protocol.ts';

/**
 * Heap, and the memory outside it that Buffers and ArrayBuffers hold (external includes arrayBuffers).
 * `process.memoryUsage()` also reads RSS from /proc: ~8 µs, where heapOnly() takes ~0.6 µs.
 */
export function readMemory(): MemoryFigures {
	const { heapUsed, external, arrayBuffers } = process.memoryUsage();
	return { heapUsed, external, arrayBuffers };
}

/**
 * heapUsed and external from V8 alone, without the RSS syscall: cheap enough for every request.
 * `arrayBuffers` is not among V8's figures (Node's allocator counts it), and V8 settles `external` for
 * freed ArrayBuffers only at a GC, so it is no substitute: callers that need Buffer figures use readMemory().
 */
export function readHeap(): Omit<MemoryFigures, 'arrayBuffers'> {
	const statistics = getHeapStatistics();
	return { heapUsed: statistics.used_heap_size, external: statistics.external_memory };
}
