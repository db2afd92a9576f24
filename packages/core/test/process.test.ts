import path from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AllocationSampler } from '../src/heap/allocation-sampler.ts';
import { HandleTracker } from '../src/handles/handle-tracker.ts';
import { asyncHookEnabled } from '../src/process/async-hook.ts';
import { allocationSamplingRunning, holdSamplingInterval } from '../src/process/sampling-profiler.ts';
import { requestStorage } from '../src/request/request-context.ts';
import { requestContext } from './fixtures/request-context.ts';

// Two users of each process-wide thing, created and closed in the order of a Vite restart: the new
// server's before the old one closes.

const thisFile = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(thisFile), '..');
const kept: object[] = [];

/** Allocates ~half a megabyte that stays alive, from this file: sampled under the key `here`. */
function allocate() {
	for (let i = 0; i < 2000; i++) kept.push({ i, text: `entry ${i}`, list: [i, i + 1] });
}
const classify = (url: string) => (url === thisFile || url.endsWith('process.test.ts') ? 'here' : undefined);
const liveHere = (sampler: AllocationSampler) => sampler.liveBytesByKey().get('here')?.live ?? 0;

describe("the process's sampling heap profiler", () => {
	it('keeps sampling for the new monitor when the old one closes, and stops with the last', () => {
		const old = new AllocationSampler(classify, 16 * 1024);
		allocate();
		expect(liveHere(old)).toBeGreaterThan(0);

		const current = new AllocationSampler(classify, 16 * 1024);
		old.close();
		expect(allocationSamplingRunning()).toBe(true);
		const before = liveHere(current);
		allocate();
		// Before the fix this read threw: "V8 sampling heap profiler was not started".
		expect(liveHere(current)).toBeGreaterThan(before);

		current.close();
		expect(allocationSamplingRunning()).toBe(false);
		kept.length = 0;
	});

	it('starts anew at another interval for the monitor that asks, which the other one sees', () => {
		const old = new AllocationSampler(classify, 16 * 1024);
		const current = new AllocationSampler(classify, 16 * 1024);
		allocate();
		expect(liveHere(old)).toBeGreaterThan(0);
		current.restart(64 * 1024);
		// What was sampled before is gone, for the old monitor too: not counted as having died.
		expect(old.liveBytesByKey().get('here')).toBeUndefined();
		old.close();
		current.close();
		kept.length = 0;
	});

	it('changes the interval without a full GC (stopSampling would read the profile, which forces one)', async () => {
		const sampler = new AllocationSampler(classify, 16 * 1024);
		allocate();
		const majors: string[] = [];
		const observer = new PerformanceObserver((list) => {
			for (const entry of list.getEntries())
				if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors.push(entry.name);
		});
		observer.observe({ entryTypes: ['gc'] });
		sampler.restart(1024 * 1024);
		sampler.restart(16 * 1024);
		// gc entries arrive on a later turn of the event loop.
		await new Promise((resolve) => setTimeout(resolve, 50));
		observer.disconnect();
		expect(majors).toEqual([]);
		allocate();
		expect(liveHere(sampler)).toBeGreaterThan(0);
		sampler.close();
		kept.length = 0;
	});
});

describe('a retainer capture holding the sampling interval', () => {
	it('defers an interval change until the hold ends: its snapshots keep their object ids', () => {
		const sampler = new AllocationSampler(classify, 16 * 1024);
		allocate();
		const release = holdSamplingInterval();
		sampler.restart(1024 * 1024);
		// Not restarted: what was sampled before the change is still there.
		expect(liveHere(sampler)).toBeGreaterThan(0);
		release();
		// Restarted at the deferred interval once the hold ended.
		expect(sampler.liveBytesByKey().get('here')).toBeUndefined();
		sampler.close();
		kept.length = 0;
	});
});

describe("the process's async hook", () => {
	const tracker = () =>
		new HandleTracker({
			root,
			tooling: [],
			graceMs: 20,
			onVerdictChange: () => {},
			onError: (error) => {
				throw error;
			}
		});

	/** A request of `owner`'s server that leaves an interval running. */
	function requestWithInterval(owner: HandleTracker, timers: NodeJS.Timeout[]) {
		owner.watch();
		const context = requestContext();
		requestStorage.run(context, () => timers.push(setInterval(() => {}, 60_000)));
		owner.unwatch();
		return context;
	}

	it('gives the resources of a request to the tracker of the server that took it, and is off once both closed', () => {
		const timers: NodeJS.Timeout[] = [];
		const old = tracker();
		old.start();
		const current = tracker();
		current.start();
		try {
			// The old server still takes requests until Vite closes it.
			requestWithInterval(old, timers);
			expect([old.tracked, current.tracked]).toEqual([1, 0]);
			old.close();
			requestWithInterval(current, timers);
			expect(current.tracked).toBe(1);
			expect(asyncHookEnabled()).toBe(true);
		} finally {
			current.close();
			for (const timer of timers) clearInterval(timer);
		}
		expect(asyncHookEnabled()).toBe(false);
	});
});
