import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * A full, synchronous GC without asking the user to start Node with --expose-gc: the flag set at run
 * time exposes `gc` to contexts created afterwards. Costs 40-110 ms on a dev-server heap, so callers
 * decide when (idle, rate-limited).
 */
export function forceGc(): void {
	if (!gc) {
		setFlagsFromString('--expose-gc');
		gc = runInNewContext('gc') as () => void;
	}
	gc();
}
