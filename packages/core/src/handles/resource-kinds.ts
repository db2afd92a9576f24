/**
 * The async resource types worth a creation stack: those that keep a server busy or hold data while
 * they live. Everything else (PROMISE, TickObject, HTTP parser and request wrappers, DNS lookups,
 * Microtask) is hot, short-lived or owned by one of these, and is ignored before any work is done.
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
	FSREQCALLBACK: 'FS',
	FILEHANDLE: 'FileHandle',
	FSEVENTWRAP: 'FSWatcher',
	STATWATCHER: 'StatWatcher',
	PROCESSWRAP: 'ChildProcess',
	SIGNALWRAP: 'Signal'
};

/** The label reported for an async_hooks type, or undefined when the type is not tracked. */
export function labelOf(type: string): string | undefined {
	return Object.hasOwn(LABELS, type) ? LABELS[type] : undefined;
}

interface TimerLike {
	hasRef?(): boolean;
	_idleTimeout?: number;
	_repeat?: number | null;
}

/**
 * Whether a resource still keeps the process busy. Timers and immediates answer false once they ran
 * or were cleared (node:internal/timers resets their ref flag), handles once closed or unref'd: an
 * idle keep-alive socket in an http.Agent or undici pool is unref'd, so it never counts. Requests
 * (FS, FileHandle) have no ref state and count until their destroy.
 */
export function isRefed(resource: unknown): boolean {
	const hasRef = (resource as TimerLike | null)?.hasRef;
	return typeof hasRef === 'function' ? Boolean(hasRef.call(resource)) : true;
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
