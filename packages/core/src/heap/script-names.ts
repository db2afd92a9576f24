import type { SamplingProfiler } from '../process/sampling-profiler.ts';
import type { CallFrame, ProfileNode } from './sampling-profile.ts';

/**
 * The URL of each script a profile's frames run in. Vite's module runner evaluates SSR modules with
 * `new AsyncFunction`, so their frames have an empty `url` in the profile; their `//# sourceURL=` (the
 * module id) only shows in the Debugger domain's scriptParsed events. Keeping the Debugger domain
 * enabled costs ~8% throughput (measured), so it is enabled only for a moment when a profile holds
 * scripts we cannot name yet: enabling replays scriptParsed for every loaded script, synchronously.
 */

/** Scripts we remember the URL of; Vite evaluates one per module, so this is plenty. */
export const MAX_SCRIPTS = 50_000;

export class ScriptNames {
	#profiler: SamplingProfiler;
	#urls = new Map<string, string>();
	/** Script ids that the Debugger did not name either (builtins, scripts without a URL). */
	#nameless = new Set<string>();

	constructor(profiler: SamplingProfiler) {
		this.#profiler = profiler;
		profiler.on<{ scriptId: string; url: string }>('Debugger.scriptParsed', ({ params }) => {
			if (!params.url) return;
			if (this.#urls.size >= MAX_SCRIPTS) this.#urls.clear();
			this.#urls.set(params.scriptId, params.url);
		});
	}

	/** The frame's script URL, '' when it has none we know. */
	urlOf(frame: CallFrame): string {
		return frame.url || this.#urls.get(frame.scriptId) || '';
	}

	/**
	 * Learns the URLs of scripts seen in the profile for the first time. True when it asked the
	 * Debugger: frames looked at before may have a URL now.
	 */
	learn(head: ProfileNode): boolean {
		const unknown = new Set<string>();
		const stack = [head];
		while (stack.length > 0) {
			const node = stack.pop()!;
			const { url, scriptId } = node.callFrame;
			if (!url && scriptId !== '0' && !this.#urls.has(scriptId) && !this.#nameless.has(scriptId)) unknown.add(scriptId);
			for (const child of node.children) stack.push(child);
		}
		if (unknown.size === 0) return false;
		try {
			this.#profiler.post('Debugger.enable');
		} finally {
			this.#profiler.post('Debugger.disable');
		}
		for (const scriptId of unknown) {
			if (this.#urls.has(scriptId)) continue;
			if (this.#nameless.size >= MAX_SCRIPTS) this.#nameless.clear();
			this.#nameless.add(scriptId);
		}
		return true;
	}
}
