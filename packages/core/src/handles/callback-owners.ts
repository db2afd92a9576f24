/** Distinct callbacks remembered; past this the memory starts over (it only saves work). */
const MAX_CALLBACKS = 1000;
/** Shorter texts (`() => {}`, `() => resolve()`) are too common to say whose code they are. */
const MIN_LENGTH = 20;

interface TimerCallbacks {
	_onTimeout?: unknown;
	_onImmediate?: unknown;
	_idleTimeout?: unknown;
}

/**
 * A Timeout's or Immediate's callback source text: what identifies the code that scheduled it, without
 * a stack. Undefined for other resources, and for callbacks whose text says little about their code:
 * short ones, and native and bound functions (`function () { [native code] }`, such as a promise's
 * resolve), which read the same wherever they come from. V8 returns a slice of the script's source,
 * so reading it copies nothing.
 */
export function callbackSource(label: string, resource: object): string | undefined {
	const timer = resource as TimerCallbacks;
	const callback = label === 'Timeout' ? timer._onTimeout : label === 'Immediate' ? timer._onImmediate : undefined;
	if (typeof callback !== 'function') return undefined;
	const text = Function.prototype.toString.call(callback);
	if (text.length < MIN_LENGTH || text.endsWith('[native code] }')) return undefined;
	return text;
}

/** A Timeout's delay in milliseconds; -1 for an Immediate. */
export function timerDelay(resource: object): number {
	const delay = (resource as TimerCallbacks)._idleTimeout;
	return typeof delay === 'number' ? delay : -1;
}

/**
 * Which timer callbacks belong to dev tooling, learnt from their first creation stack. Vite's module
 * runner starts (and soon clears) a timeout for every module fetch, a dozen per page request; a
 * creation stack costs ~9 µs where reading a callback's text costs ~0.2 µs (both measured), so a
 * timer whose callback was already seen created by Vite or Kit gets no stack at all.
 *
 * Keyed by source text and delay, so the same function literal is recognised across closures. A
 * library bundled into Vite and also used by the app would share texts with it; only callbacks whose
 * scheduling frame was the tooling's own file are remembered as tooling, which such a library call
 * is not.
 */
export class CallbackOwners {
	/** Source text, then delay: whether it was the tooling's. */
	#tooling = new Map<string, Map<number, boolean>>();

	/** True: created by tooling before; false: by the app or a library; undefined: not seen yet. */
	isTooling(source: string, delay: number): boolean | undefined {
		return this.#tooling.get(source)?.get(delay);
	}

	learn(source: string, delay: number, tooling: boolean): void {
		if (this.#tooling.size >= MAX_CALLBACKS) this.#tooling.clear();
		let byDelay = this.#tooling.get(source);
		if (!byDelay) this.#tooling.set(source, (byDelay = new Map()));
		byDelay.set(delay, tooling);
	}
}
