import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { forceGc } from '../heap/gc.ts';
import type { SnapshotCost } from '../protocol/report.ts';

export interface CapturedSnapshot {
	file: string;
	/** How long the process stood still: the forced GC plus writing the snapshot. */
	pauseMs: number;
	bytes: number;
	/** heapUsed right before, after the GC. */
	heapUsed: number;
}

export type { SnapshotCost } from '../protocol/report.ts';

/**
 * Rates per byte of heapUsed read before the GC, so slightly high on purpose. Measured on Node 24
 * (x64, 2 cores): the playground's dev server, 70 MB before GC, paused 1.1 s and wrote 41 MB per
 * snapshot; a heap of millions of tiny objects is slower (50 ms per MB), so the object count matters
 * more than bytes. Refined from the last snapshot this process took.
 */
let msPerHeapByte = 20 / 1e6;
let fileBytesPerHeapByte = 0.8;

export function snapshotCost(heapUsed = process.memoryUsage().heapUsed): SnapshotCost {
	return { heapUsed, pauseMs: Math.round(heapUsed * msPerHeapByte), fileBytes: Math.round(heapUsed * fileBytesPerHeapByte) };
}

/**
 * A full GC, then `v8.writeHeapSnapshot`: synchronous, the whole process (the dev server with it)
 * pauses for seconds, and V8 needs about as much memory again as the heap while writing. On demand
 * only.
 */
export function captureHeapSnapshot(file: string): CapturedSnapshot {
	ignoredByGit(path.dirname(file));
	const started = performance.now();
	const beforeGc = process.memoryUsage().heapUsed;
	forceGc();
	const heapUsed = process.memoryUsage().heapUsed;
	writeHeapSnapshot(file);
	const pauseMs = performance.now() - started;
	const bytes = statSync(file).size;
	if (beforeGc > 0) {
		msPerHeapByte = pauseMs / beforeGc;
		fileBytesPerHeapByte = bytes / beforeGc;
	}
	return { file, pauseMs, bytes, heapUsed };
}

/** Creates the snapshot folder with a .gitignore of everything: snapshots hold secrets and are large. */
function ignoredByGit(dir: string): void {
	mkdirSync(dir, { recursive: true });
	const ignore = path.join(dir, '.gitignore');
	if (!existsSync(ignore)) writeFileSync(ignore, '# Written by heapwatch: heap snapshots hold environment values and other secrets.\n*\n');
}
