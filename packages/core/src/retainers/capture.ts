import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { forceGc } from '../heap/gc.ts';

export interface CapturedSnapshot {
	file: string;
	/** How long the process stood still: the forced GC plus writing the snapshot. */
	pauseMs: number;
	bytes: number;
	/** heapUsed right before, after the GC. */
	heapUsed: number;
}

/** What a snapshot will cost, before taking it. */
export interface SnapshotCost {
	heapUsed: number;
	pauseMs: number;
	fileBytes: number;
}

/**
 * Measured on Node 24 (x64, 2 cores): 35-55 ms and ~1.5 bytes of file per byte of heap; the object
 * count matters more than bytes, so a heap of many small objects is slower. Refined from the last
 * snapshot this process took.
 */
let msPerHeapByte = 50 / 1e6;
let fileBytesPerHeapByte = 1.6;

export function snapshotCost(heapUsed = process.memoryUsage().heapUsed): SnapshotCost {
	return { heapUsed, pauseMs: Math.round(heapUsed * msPerHeapByte), fileBytes: Math.round(heapUsed * fileBytesPerHeapByte) };
}

/**
 * A full GC, then `v8.writeHeapSnapshot`: synchronous, the whole process (the dev server with it)
 * pauses for seconds, and V8 needs about as much memory again as the heap while writing. On demand
 * only.
 */
export function captureHeapSnapshot(file: string): CapturedSnapshot {
	mkdirSync(path.dirname(file), { recursive: true });
	const started = performance.now();
	forceGc();
	const heapUsed = process.memoryUsage().heapUsed;
	writeHeapSnapshot(file);
	const pauseMs = performance.now() - started;
	const bytes = statSync(file).size;
	if (heapUsed > 0) {
		msPerHeapByte = pauseMs / heapUsed;
		fileBytesPerHeapByte = bytes / heapUsed;
	}
	return { file, pauseMs, bytes, heapUsed };
}
