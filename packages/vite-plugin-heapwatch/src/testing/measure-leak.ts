import { forceGc, readMemory } from '@heapwatch/core';

export interface MeasureOptions {
	/**
	 * Measured calls. More runs make a small leak stand out of the noise (a few KB in total from
	 * the test runner itself): the noise is divided by the runs, a leak is not.
	 * @default 100
	 */
	runs?: number;
	/**
	 * Calls before measuring: the first call of a function evaluates lazily built singletons and
	 * JIT code, which looks like growth but is not a leak.
	 * @default 3
	 */
	warmup?: number;
}

export interface LeakMeasurement {
	runs: number;
	/** Post-GC heap plus external memory (Buffers) kept per call: ~0 for a clean function. */
	bytesPerRun: number;
	/** The part of bytesPerRun inside the V8 heap. */
	heapBytesPerRun: number;
	/** The part outside it: Buffers and ArrayBuffers. */
	externalBytesPerRun: number;
}

/** A function under test. It gets the call's index, so that it can vary its parameters like real traffic. */
export type Measured = (run: number) => unknown;

/**
 * Calls `fn` `runs` times and returns the memory it kept per call, read after full garbage
 * collections. Nothing is allocated between the readings but what `fn` does (and a promise per call
 * when it is async), so nothing of the measurement counts as retained.
 *
 * The calls run in three parts, with a reading between them, and the part that kept least per call is
 * the result: a leak keeps memory in every part alike, while a one-off allocation of the process
 * around the function (the test runner's message buffers, code the JIT compiles meanwhile) lands in
 * one part or two. With two halves it once read 6.4 KB, and once 5.2 KB, per call for a clean
 * function in a busy CI run.
 */
export async function measureLeak(fn: Measured, options: MeasureOptions = {}): Promise<LeakMeasurement> {
	const runs = options.runs ?? 100;
	const warmup = options.warmup ?? 3;
	if (!Number.isInteger(runs) || runs < 1) throw new TypeError(`[heapwatch] measureLeak: runs must be a whole number of at least 1, got ${runs}`);
	if (!Number.isInteger(warmup) || warmup < 0) throw new TypeError(`[heapwatch] measureLeak: warmup must be a whole number of at least 0, got ${warmup}`);
	for (let i = 0; i < warmup; i++) await call(fn, -1 - i);
	const parts: NonNullable<ReturnType<typeof perRun>>[] = [];
	let before = settledMemory();
	let done = 0;
	for (let part = 1; part <= PARTS; part++) {
		const until = Math.floor((runs * part) / PARTS);
		if (until === done) continue;
		for (let i = done; i < until; i++) await call(fn, i);
		const after = settledMemory();
		const result = perRun(before, after, until - done);
		if (result) parts.push(result);
		before = after;
		done = until;
	}
	const kept = parts.reduce((least, result) => (Math.abs(result.bytesPerRun) < Math.abs(least.bytesPerRun) ? result : least));
	return { runs, ...kept };
}

type Memory = ReturnType<typeof readMemory>;

/** Parts the calls run in, a reading after each (see measureLeak). */
const PARTS = 3;

function perRun(before: Memory, after: Memory, runs: number) {
	if (runs === 0) return undefined;
	// `external` includes `arrayBuffers`: heap + external is everything a call can keep.
	const heap = after.heapUsed - before.heapUsed;
	const external = after.external - before.external;
	return { bytesPerRun: (heap + external) / runs, heapBytesPerRun: heap / runs, externalBytesPerRun: external / runs };
}

// Only await what is a promise: awaiting a sync result would add a microtask turn per call.
function call(fn: Measured, run: number): unknown {
	const result = fn(run);
	return result instanceof Promise ? result : undefined;
}

// Twice: the first collection runs finalizers and weak callbacks whose memory the second one frees.
function settledMemory() {
	forceGc();
	forceGc();
	return readMemory();
}
