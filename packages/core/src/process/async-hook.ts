import { createHook, type AsyncHook } from 'node:async_hooks';

export type InitCallback = (asyncId: number, type: string, triggerAsyncId: number, resource: object) => void;

/**
 * A handle tracker's use of heapwatch's one async hook. During a Vite restart two dev servers live
 * in one process for a moment (the new one is created before the old one closes): two hooks would
 * each pay Node's init call for every resource of the process. There is one hook; its init goes to
 * the tracker of the server that took the latest watched request, and it is on while that one
 * wants it on.
 */
export interface AsyncHookLease {
	/** This tracker's server takes requests: init calls come here, and the hook is on. */
	enable(): void;
	/** Off while this tracker is the one the hook serves (under load, between watched requests). */
	disable(): void;
	release(): void;
	/** The function Node calls for init: a stack captured below it holds none of heapwatch's frames. */
	readonly caller: InitCallback;
}

interface Lease {
	init: InitCallback;
	on: boolean;
}

let hook: AsyncHook | undefined;
let hookOn = false;
/** Oldest first. */
const leases: Lease[] = [];
let target: Lease | undefined;

const dispatch: InitCallback = (asyncId, type, trigger, resource) => target?.init(asyncId, type, trigger, resource);

function apply(): void {
	const on = target?.on ?? false;
	if (on === hookOn) return;
	// PROMISE resources are never tracked: Node >= 24.9 does not even call init for them.
	hook ??= createHook({ init: dispatch, trackPromises: false });
	if (on) hook.enable();
	else hook.disable();
	hookOn = on;
}

/** Joins the process's async hook; it stays off until `enable()`. */
export function acquireAsyncHook(init: InitCallback): AsyncHookLease {
	const lease: Lease = { init, on: false };
	leases.push(lease);
	let released = false;
	return {
		caller: dispatch,
		enable() {
			if (released) return;
			lease.on = true;
			target = lease;
			apply();
		},
		disable() {
			lease.on = false;
			apply();
		},
		release() {
			if (released) return;
			released = true;
			leases.splice(leases.indexOf(lease), 1);
			// The newest remaining tracker belongs to the server Vite keeps.
			if (target === lease) target = leases.at(-1);
			apply();
		}
	};
}

/** Whether heapwatch's async hook is enabled now (for tests). */
export function asyncHookEnabled(): boolean {
	return hookOn;
}
