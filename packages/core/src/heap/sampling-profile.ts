import type { SamplingProfiler } from '../process/sampling-profiler.ts';

/** V8's sampling heap profile as `HeapProfiler.getSamplingProfile` returns it, and reading one. */

/** One frame of an allocation stack, as V8's sampling heap profiler reports it. */
export interface CallFrame {
	functionName: string;
	scriptId: string;
	url: string;
	lineNumber: number;
	columnNumber: number;
}

/** A node of the profile's call tree: one stack, its frame the innermost. */
export interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	selfSize: number;
	children: ProfileNode[];
}

/** A sampled allocation still alive; `ordinal` grows with allocation order and names it across reads. */
export interface Sample {
	size: number;
	nodeId: number;
	ordinal: number;
}

export interface SamplingProfile {
	head: ProfileNode;
	samples: Sample[];
}

/** The live samples now: call right after a full GC so that only retained objects remain. */
export function readSamplingProfile(profiler: SamplingProfiler): SamplingProfile {
	return (profiler.post('HeapProfiler.getSamplingProfile') as { profile: SamplingProfile }).profile;
}
