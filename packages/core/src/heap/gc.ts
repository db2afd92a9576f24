import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options?: { type: 'major' | 'minor'; execution: 'sync' }) => void;
let gc: Gc | undefined;

function exposedGc(): Gc {
	if (!gc) {
		setFlagsFromString('--expose-gc');
		gc = runInNewContext('gc') as Gc;
	}
	return gc;
}

/**
 * A full, synchronous GC without asking the user to start Node with --expose-gc: the flag set at run
 * time exposes `gc` to contexts created afterwards. It costs with the live heap: 40-110 ms on a ~60 MB
 * dev-server heap, 1.4 s on 550 MB of small objects (measured), so callers decide when (see
 * gc-budget.ts).
 */
export function forceGc(): void {
	exposedGc()();
}

/**
 * A scavenge of the young generation only: well under a millisecond, and it frees the backing store
 * of ArrayBuffers that died young. What survives it was kept by someone.
 */
export function forceMinorGc(): void {
	exposedGc()({ type: 'minor', execution: 'sync' });
}

/**
 * The ArrayBuffer memory still alive, exactly: V8 frees the backing stores of the ArrayBuffers a
 * scavenge found dead on a background thread, after the GC returns, so `arrayBuffers` read right after
 * one still counts some of them (64 KB kept per request read as 70-88 KB, on Node 24 and 20,
 * measured); the next GC first waits for that sweep to finish. Two scavenges: well under a millisecond.
 */
export function arrayBuffersAfterMinorGc(): number {
	forceMinorGc();
	forceMinorGc();
	return process.memoryUsage().arrayBuffers;
}
