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
