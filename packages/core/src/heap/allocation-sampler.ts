import { acquireSamplingProfiler, type SamplingProfiler } from '../process/sampling-profiler.ts';
import type { MarkerKeyOfSize } from '../request/request-markers.ts';
import type { ClassifyScript, IsAppCode } from './allocation-keys.ts';
import { LiveBytesTally, type LiveBytes, type MarkerWeightOfKey } from './live-bytes-tally.ts';
import { ProfilePlaces } from './profile-places.ts';
import { readSamplingProfile } from './sampling-profile.ts';
import { ScriptNames } from './script-names.ts';

/**
 * Samples allocations in-process with V8's sampling heap profiler (via node:inspector) and, right
 * after a forced GC, sums the sampled bytes still alive per key. Each allocation goes to the
 * innermost frame on its stack that the classifier recognises (a route's server file, hooks.server).
 *
 * Each read: the profile (sampling-profile.ts), names for scripts that have none in it
 * (script-names.ts), a place for each node of its call tree (profile-places.ts), and the live samples
 * summed by place (live-bytes-tally.ts).
 *
 * The profiler and its inspector session are the process's (see process/sampling-profiler.ts): a
 * Vite restart runs two monitors at once for a moment.
 */
export class AllocationSampler {
	#profiler: SamplingProfiler;
	/** The profiler's generation at the previous read: a restart in between drops every sample. */
	#generation: number;
	#scriptNames: ScriptNames;
	#places: ProfilePlaces;
	#tally = new LiveBytesTally();

	constructor(classify: ClassifyScript, samplingInterval: number, isAppCode: IsAppCode = () => false) {
		this.#profiler = acquireSamplingProfiler(samplingInterval);
		this.#generation = this.#profiler.generation;
		this.#scriptNames = new ScriptNames(this.#profiler);
		this.#places = new ProfilePlaces(classify, isAppCode, this.#scriptNames);
	}

	/**
	 * Live sampled bytes per key. Call right after a full GC so that only retained objects remain.
	 * Allocations with no route file on their stack go to the request whose marker precedes them
	 * (see request/request-markers.ts), or to UNPLACED.
	 */
	liveBytesByKey(keyOfMarker?: MarkerKeyOfSize, weightOfKey?: MarkerWeightOfKey): Map<string, LiveBytes> {
		const profile = readSamplingProfile(this.#profiler);
		if (this.#generation !== this.#profiler.generation) {
			this.#generation = this.#profiler.generation;
			this.#tally.forgetPrevious();
		}
		if (this.#scriptNames.learn(profile.head)) this.#places.forgetKeys();
		return this.#tally.count(profile.samples, this.#places.of(profile.head), keyOfMarker, weightOfKey);
	}

	/**
	 * Starts sampling anew at another interval. V8 cannot change it in place, and what was sampled so
	 * far is dropped: live bytes read after this count only allocations made after it.
	 */
	restart(samplingInterval: number): void {
		this.#profiler.sampleEvery(samplingInterval);
	}

	/** Sampling stops when the last monitor of the process closes. */
	close(): void {
		this.#profiler.release();
	}
}
