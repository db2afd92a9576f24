import { Session } from 'node:inspector';

/**
 * A monitor's use of V8's sampling heap profiler, of which there is one per process. Vite creates
 * the new server of a restart (`r`, a vite.config edit) before it closes the old one
 * (restartServer in vite/src/node/server/index.ts), so two monitors share it for a moment: a second
 * `startSampling` would be ignored and the old monitor's `stopSampling` would stop the only profiler.
 * Hence one inspector session and one profiler for the process, started by the first monitor and
 * stopped when the last one leaves.
 */
export interface SamplingProfiler {
	/** Posts to the process's inspector session, which answers synchronously; errors are thrown. */
	post(method: string, params?: object): unknown;
	/** Listens to the session's events until `release()`. */
	on<Params>(event: string, listener: (message: { params: Params }) => void): void;
	/**
	 * Bumped each time sampling starts anew: a profile read before holds samples that are gone now,
	 * whichever monitor restarted it.
	 */
	readonly generation: number;
	/**
	 * Sample every `interval` bytes: the latest monitor to ask wins (the one taking requests); V8
	 * cannot change it in place, so sampling starts anew when it differs.
	 */
	sampleEvery(interval: number): void;
	release(): void;
}

interface Lease {
	interval: number;
	listeners: [string, (message: { params: never }) => void][];
}

let session: Session | undefined;
/** Oldest first. */
const leases: Lease[] = [];
/** The interval V8 samples at now; undefined while it does not sample. */
let running: number | undefined;
let generation = 0;
/** Retainer captures in progress: the interval is not changed under them (see stopSampling). */
let holds = 0;
/** The interval asked for while held, applied when the last hold ends. */
let deferred: number | undefined;

function post(method: string, params?: object): unknown {
	let result: unknown;
	let failure: Error | null = null;
	session!.post(method, params ?? {}, (error, value) => {
		failure = error;
		result = value;
	});
	if (failure) throw failure;
	return result;
}

/**
 * Stops V8's sampling heap profiler without reading its profile. `HeapProfiler.stopSampling` returns
 * the profile, and the inspector reads one only after a full GC: ~130 ms at ~300 MB, 350-470 ms under
 * load at ~470 MB (measured). Disabling the domain stops the profiler without that GC (0.1 ms at ~300
 * MB, measured). It also forgets heap snapshot object ids, so no restart happens while a retainer
 * capture runs (see holdSamplingInterval).
 */
function stopSampling(): void {
	post('HeapProfiler.disable');
	post('HeapProfiler.enable');
}

function sampleAt(interval: number): void {
	if (running === interval) return;
	if (holds > 0 && running !== undefined) {
		deferred = interval;
		return;
	}
	if (running !== undefined) stopSampling();
	running = undefined;
	post('HeapProfiler.startSampling', { samplingInterval: interval });
	running = interval;
	generation++;
}

function stopWhenUnused(): void {
	if (leases.length > 0 || !session) return;
	try {
		if (running !== undefined) post('HeapProfiler.disable');
	} finally {
		running = undefined;
		session.disconnect();
		session = undefined;
	}
}

/** Joins the process's sampling profiler, starting it at `interval` if it does not run yet. */
export function acquireSamplingProfiler(interval: number): SamplingProfiler {
	const lease: Lease = { interval, listeners: [] };
	try {
		if (!session) {
			session = new Session();
			session.connect();
			post('HeapProfiler.enable');
		}
		if (running === undefined) sampleAt(interval);
	} catch (error) {
		stopWhenUnused();
		throw error;
	}
	leases.push(lease);
	let released = false;
	return {
		post,
		on(event, listener) {
			lease.listeners.push([event, listener as (message: { params: never }) => void]);
			session!.on(event, listener);
		},
		get generation() {
			return generation;
		},
		sampleEvery(next) {
			lease.interval = next;
			sampleAt(next);
		},
		release() {
			if (released) return;
			released = true;
			leases.splice(leases.indexOf(lease), 1);
			for (const [event, listener] of lease.listeners) session?.off(event, listener);
			// The newest remaining monitor is the server Vite keeps: its interval applies.
			const newest = leases.at(-1);
			if (newest) sampleAt(newest.interval);
			else stopWhenUnused();
		}
	};
}

/**
 * Keeps the sampling interval as it is until the returned function is called: a retainer capture holds
 * it between its two snapshots, whose objects are matched by heap object id, which a restart of the
 * profiler (disabling the domain) forgets. A change asked for meanwhile is made when the last hold ends.
 */
export function holdSamplingInterval(): () => void {
	holds++;
	let ended = false;
	return () => {
		if (ended) return;
		ended = true;
		holds--;
		const next = deferred;
		if (holds > 0 || next === undefined) return;
		deferred = undefined;
		if (session && running !== undefined) sampleAt(next);
	};
}

/** Whether a retainer capture holds the interval now: heapwatch allocates nothing of its own per request then. */
export function samplingIntervalHeld(): boolean {
	return holds > 0;
}

/** Whether V8's sampling heap profiler runs for heapwatch now. */
export function allocationSamplingRunning(): boolean {
	return running !== undefined;
}
