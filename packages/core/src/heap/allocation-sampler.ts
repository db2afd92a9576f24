import { Session } from 'node:inspector';

/** One frame of an allocation stack, as V8's sampling heap profiler reports it. */
interface CallFrame {
	functionName: string;
	scriptId: string;
	url: string;
	lineNumber: number;
	columnNumber: number;
}

interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	selfSize: number;
	children: ProfileNode[];
}

/** Where a live allocation belongs: a key (a route id, or a shared source) chosen by the caller from its stack. */
export type ClassifyScript = (url: string) => string | undefined;

/** Scripts we remember the URL of; Vite evaluates one per module, so this is plenty. */
const MAX_SCRIPTS = 50_000;

/**
 * Samples allocations in-process with V8's sampling heap profiler (via node:inspector) and, right
 * after a forced GC, sums the sampled bytes still alive per key. Each allocation goes to the
 * innermost frame on its stack that the classifier recognises (a route's server file, hooks.server).
 *
 * Vite's module runner evaluates SSR modules with `new AsyncFunction`, so their frames have an empty
 * `url` in the profile; their `//# sourceURL=` (the module id) only shows in the Debugger domain's
 * scriptParsed events, which we keep as scriptId -> url.
 */
export class AllocationSampler {
	#session = new Session();
	#scripts = new Map<string, string>();
	#classify: ClassifyScript;
	#keyOfNode = new Map<number, string | null>();

	constructor(classify: ClassifyScript, samplingInterval: number) {
		this.#classify = classify;
		this.#session.connect();
		this.#session.on('Debugger.scriptParsed', ({ params }) => {
			if (!params.url) return;
			if (this.#scripts.size >= MAX_SCRIPTS) this.#scripts.clear();
			this.#scripts.set(params.scriptId, params.url);
		});
		// The in-process session answers synchronously; errors surface as thrown exceptions here.
		this.#post('Debugger.enable');
		this.#post('HeapProfiler.enable');
		this.#post('HeapProfiler.startSampling', { samplingInterval });
	}

	/** Live sampled bytes per key. Call right after a full GC so that only retained objects remain. */
	liveBytesByKey(): Map<string, number> {
		const profile = this.#post('HeapProfiler.getSamplingProfile') as { profile: { head: ProfileNode } };
		const totals = new Map<string, number>();
		const stack: { node: ProfileNode; key: string | undefined }[] = [{ node: profile.profile.head, key: undefined }];
		while (stack.length > 0) {
			const { node, key: inherited } = stack.pop()!;
			const key = this.#keyOf(node) ?? inherited;
			if (key !== undefined && node.selfSize > 0) totals.set(key, (totals.get(key) ?? 0) + node.selfSize);
			for (const child of node.children) stack.push({ node: child, key });
		}
		return totals;
	}

	close(): void {
		try {
			this.#post('HeapProfiler.stopSampling');
		} finally {
			this.#session.disconnect();
		}
	}

	#keyOf(node: ProfileNode): string | undefined {
		let key = this.#keyOfNode.get(node.id);
		if (key === undefined) {
			const url = node.callFrame.url || this.#scripts.get(node.callFrame.scriptId) || '';
			key = (url && this.#classify(url)) ?? null;
			if (this.#keyOfNode.size >= MAX_SCRIPTS * 4) this.#keyOfNode.clear();
			this.#keyOfNode.set(node.id, key);
		}
		return key ?? undefined;
	}

	#post(method: string, params?: object): unknown {
		let result: unknown;
		let failure: Error | null = null;
		this.#session.post(method, params ?? {}, (error, value) => {
			failure = error;
			result = value;
		});
		if (failure) throw failure;
		return result;
	}
}
