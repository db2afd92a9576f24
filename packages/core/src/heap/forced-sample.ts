import { forceGc, forceMinorGc } from './gc.ts';
import type { LiveBytes } from './live-bytes-tally.ts';

/**
 * The full GC of a forced sample, and what is read with it. Reading V8's sampling profile forces one
 * (the inspector starts sampling with kSamplingForceGC; measured: each getSamplingProfile shows as a
 * major GC as long as gc()), so with allocation sampling on, that read is the GC: a second one would
 * double the cost. The profile's own objects are young garbage once read, and a minor GC clears them
 * before the heap is measured. When and how often this runs is the sampler's GC budget (gc-budget.ts).
 *
 * `readLiveBytes`: the live sampled bytes per key, or undefined without allocation sampling. Its
 * failure is reported and the sample still taken, with a GC of its own.
 */
export function collectForcedSample(
	readLiveBytes: (() => Map<string, LiveBytes>) | undefined,
	onError: (error: unknown) => void
): Map<string, LiveBytes> | undefined {
	let live: Map<string, LiveBytes> | undefined;
	try {
		live = readLiveBytes?.();
	} catch (error) {
		onError(error);
	}
	if (live) forceMinorGc();
	else forceGc();
	return live;
}
