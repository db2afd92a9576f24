/**
 * What happened between two consecutive post-GC samples of one epoch: how much the retained memory
 * moved, and which routes were requested in between. Samples are only taken while no request is in
 * flight, so every request falls wholly inside one interval, however requests overlap.
 */
export interface Interval {
	epoch: number;
	/** Change of heapUsed between the two samples, less what allocation sampling attributed to a source. */
	unattributedHeapBytes: number;
	/** Change of external memory (Buffers, ArrayBuffers) between the two samples. */
	externalDeltaBytes: number;
	/** Per route key: ArrayBuffer bytes that survived a minor GC right after its requests that were measured. */
	bufferSurvivors: Map<string, number>;
	/** Per route key: its requests measured for that (those that ran alone); the others overlapped another request. */
	bufferMeasured: Map<string, number>;
	/** Completed requests per route key in the interval. */
	counts: Map<string, number>;
	/** True when the interval holds a warm-up request: its delta says nothing about leaks. */
	warm: boolean;
	/** True when a sample at either end was taken with requests in flight: counts and delta disagree. */
	busy: boolean;
}
