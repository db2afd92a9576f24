import { getHeapStatistics } from 'node:v8';
import type { MemoryFigures, RequestSummary } from '../protocol/report.ts';

/**
 * Heap, and the memory outside it that Buffers and ArrayBuffers hold (external includes arrayBuffers).
 * `process.memoryUsage()` also reads RSS from /proc: 8 µs in a quiet process, ~30 µs in a busy dev
 * server (measured), which is why requests that overlap others use readHeap().
 */
export function readMemory(): MemoryFigures {
	const { heapUsed, external, arrayBuffers } = process.memoryUsage();
	return { heapUsed, external, arrayBuffers };
}

/**
 * heapUsed and external from V8 alone (~0.6 µs), with no ArrayBuffer figure: that one is counted by
 * Node's allocator, and only process.memoryUsage() reads it. V8 settles `external` for freed
 * ArrayBuffers at its GCs only, so `external` is no substitute for it.
 */
export function readHeap(): Omit<MemoryFigures, 'arrayBuffers'> & { arrayBuffers: null } {
	const statistics = getHeapStatistics();
	return { heapUsed: statistics.used_heap_size, external: statistics.external_memory, arrayBuffers: null };
}

/** Memory as a request started: arrayBuffers only if it started alone; null when nothing was read. */
export type MemoryAtStart = (Omit<MemoryFigures, 'arrayBuffers'> & { arrayBuffers: number | null }) | null;

type MemoryDeltas = Pick<RequestSummary, 'heapDeltaBytes' | 'externalDeltaBytes' | 'arrayBuffersDeltaBytes'>;

/** What changed since `before`, read the way it was (the full read only if it was full); null for what was not read. */
export function memoryDeltasSince(before: MemoryAtStart): MemoryDeltas {
	if (!before) return { heapDeltaBytes: null, externalDeltaBytes: null, arrayBuffersDeltaBytes: null };
	const after = before.arrayBuffers === null ? readHeap() : readMemory();
	return {
		heapDeltaBytes: after.heapUsed - before.heapUsed,
		externalDeltaBytes: after.external - before.external,
		arrayBuffersDeltaBytes: before.arrayBuffers === null || after.arrayBuffers === null ? null : after.arrayBuffers - before.arrayBuffers
	};
}
