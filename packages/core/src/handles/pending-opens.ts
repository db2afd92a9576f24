import type { RequestContext } from '../request/request-context.ts';
import type { InitCallback } from '../process/async-hook.ts';
import type { CapturedStack } from './capture-stack.ts';

/**
 * A FileHandle of `fs/promises` is made by native code when its open completes: its async_hooks init
 * runs outside any async context, with no JavaScript on the stack (Node 20.20 and 24.21). The open's
 * request (an FSREQPROMISE) is made in JavaScript, inside the request that opens the file and with
 * the app's line on its stack. So opens are noted as they start, and each new FileHandle is given to
 * the oldest open still waiting: opens complete in about the order they started, and a dev server
 * rarely has two of the app's in flight at once.
 */
export interface PendingOpen {
	context: RequestContext;
	/** The open's stack, unformatted (see capture-stack.ts). */
	trace: CapturedStack;
	at: number;
}

/** A failed open makes no FileHandle: an open waiting longer than this is dropped, not matched. */
const OPEN_TIMEOUT_MS = 1000;
/** Opens waiting at once: a request opening thousands of files gets the first ones matched. */
const MAX_PENDING = 64;
const FS_PROMISES = 'node:internal/fs/promises';

type CallSites = { getFunctionName(): string | null; getFileName(): string | undefined }[];

export class PendingOpens {
	#pending: PendingOpen[] = [];

	/**
	 * An FSREQPROMISE was made inside a watched request. Kept when it is the app's `open()`, not one
	 * of the reads, writes and closes of a FileHandle, nor the open inside `readFile` or `writeFile`,
	 * which close their handle themselves.
	 */
	note(context: RequestContext, hook: InitCallback, capture: () => CapturedStack): void {
		if (this.#pending.length >= MAX_PENDING || !isAppOpen(hook)) return;
		this.#pending.push({ context, trace: capture(), at: performance.now() });
	}

	/** A FileHandle was just made: the open it most likely completes. */
	claim(): PendingOpen | undefined {
		const now = performance.now();
		while (this.#pending.length > 0) {
			const open = this.#pending.shift()!;
			if (now - open.at <= OPEN_TIMEOUT_MS) return open;
		}
		return undefined;
	}
}

/**
 * Whether the FSREQPROMISE being made comes from `open()` called by code outside Node's fs/promises.
 * Reads three frames as call sites (no formatting, no source maps): ~5 µs (measured, Node 24.21).
 * Frames below the hook: Node's emitInitNative, the fs/promises function, its caller.
 */
function isAppOpen(hook: InitCallback): boolean {
	const prepare = Error.prepareStackTrace;
	const limit = Error.stackTraceLimit;
	const holder: { stack?: unknown } = {};
	let frames: CallSites | undefined;
	try {
		Error.prepareStackTrace = (_, callSites) => callSites;
		Error.stackTraceLimit = 3;
		Error.captureStackTrace(holder, hook);
		// V8 prepares the stack when it is first read: before prepareStackTrace is put back.
		frames = holder.stack as CallSites | undefined;
	} finally {
		Error.prepareStackTrace = prepare;
		Error.stackTraceLimit = limit;
	}
	if (!Array.isArray(frames) || frames.length < 3) return false;
	const [, opener, caller] = frames;
	return opener.getFunctionName() === 'open' && opener.getFileName() === FS_PROMISES && caller.getFileName() !== FS_PROMISES;
}
