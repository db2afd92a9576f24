/**
 * The async resource types worth a creation stack: those that keep a server busy or hold data while
 * they live. Everything else (PROMISE, TickObject, HTTP parser and request wrappers, DNS lookups,
 * Microtask, and single fs calls, which finish by themselves) is hot, short-lived or owned by one of
 * these, and is ignored before any work is done.
 * Types: https://nodejs.org/api/async_hooks.html#type
 */
const LABELS: Record<string, string> = {
	Timeout: 'Timeout',
	Immediate: 'Immediate',
	TCPWRAP: 'TCP',
	TCPSERVERWRAP: 'TCPServer',
	PIPEWRAP: 'Pipe',
	PIPESERVERWRAP: 'PipeServer',
	UDPWRAP: 'UDP',
	FILEHANDLE: 'FileHandle',
	FSEVENTWRAP: 'FSWatcher',
	STATWATCHER: 'StatWatcher',
	PROCESSWRAP: 'ChildProcess',
	SIGNALWRAP: 'Signal',
	// A port keeps the process busy once it has a 'message' listener (hasRef() says so); the internal
	// ports of a Worker never do. A Worker keeps it busy until it exits or is unref'd.
	MESSAGEPORT: 'MessagePort',
	WORKER: 'Worker'
};

/** The label reported for an async_hooks type, or undefined when the type is not tracked. */
export function labelOf(type: string): string | undefined {
	return Object.hasOwn(LABELS, type) ? LABELS[type] : undefined;
}

/**
 * Timers and immediates are plain JavaScript objects, set up before async_hooks' init runs. Every
 * other tracked resource wraps a native handle that init sees half-built: reading its `fd` or
 * `hasRef()` there crashes Node (SIGSEGV on a new TCPWRAP, Node 20 and 24). Those are only looked at
 * later, at their grace check.
 */
export function isTimer(label: string): boolean {
	return label === 'Timeout' || label === 'Immediate';
}

interface TimerLike {
	hasRef?(): boolean;
	_destroyed?: boolean;
	fd?: number;
	_idleTimeout?: number;
	_repeat?: number | null;
}

/**
 * Whether a resource still keeps the process busy. Timers and immediates: not once they ran or were
 * cleared (`_destroyed`; their `hasRef()` still says true then) or unref'd. Handles: not once closed
 * or unref'd, so an idle keep-alive socket in an http.Agent or undici pool never counts; a closed
 * handle's `hasRef()` returns undefined (checked on Node 20 and 24 for every tracked kind). A FileHandle
 * has no ref state: it counts until closed (its fd turns negative). Never call it on a native
 * handle inside async_hooks' init (see isTimer).
 */
export function isRefed(resource: unknown): boolean {
	const handle = resource as TimerLike | null;
	if (!handle || handle._destroyed === true || (typeof handle.fd === 'number' && handle.fd < 0)) return false;
	return typeof handle.hasRef === 'function' ? Boolean(handle.hasRef()) : true;
}

/** A Timeout's kind and delay: `Interval` for setInterval, with the period in milliseconds. */
export function describeTimer(label: string, resource: unknown): { type: string; delayMs?: number } {
	if (label !== 'Timeout') return { type: label };
	const timer = resource as TimerLike;
	const delay = typeof timer._idleTimeout === 'number' && timer._idleTimeout >= 0 ? timer._idleTimeout : undefined;
	return { type: typeof timer._repeat === 'number' ? 'Interval' : 'Timeout', delayMs: delay };
}

/**
 * Whether a resource is sure to have run and gone before `ms` from now: an Immediate (next turn of the
 * event loop), or a one-shot timer due sooner. Such a resource cannot linger past a grace period of
 * `ms`, so it needs no tracking (unless `refresh()`ed again and again, which is rare).
 */
export function runsWithin(label: string, resource: unknown, ms: number): boolean {
	if (label === 'Immediate') return true;
	if (label !== 'Timeout') return false;
	const timer = resource as TimerLike;
	return typeof timer._repeat !== 'number' && typeof timer._idleTimeout === 'number' && timer._idleTimeout < ms;
}
