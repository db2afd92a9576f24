import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Monitor } from '../src/monitor.ts';

// On a big heap under load, post-GC samples are rare (V8's own major GCs, ~0.5 per 1000 requests at
// ~465 MB): the load governor must hear the request rate from the requests themselves, not only there.

let monitor: Monitor;
const changes: boolean[] = [];

beforeEach(() => {
	vi.useFakeTimers({ toFake: ['performance', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
	changes.length = 0;
	monitor = new Monitor({
		leakThreshold: 2048,
		// No sample in this test: an hour between them.
		sampleInterval: 3_600_000,
		warmupRequests: 3,
		window: 20,
		minRequests: 10,
		isIgnored: () => false,
		fileOf: () => null,
		routePrefixOf: () => undefined,
		classifyScript: () => undefined,
		allocationSamplingInterval: 16 * 1024,
		onError: (error) => {
			throw error;
		}
	});
	monitor.events.subscribe((event) => {
		if (event.type === 'sampling') changes.push(event.coarse);
	});
});

afterEach(() => {
	monitor.close();
	vi.useRealTimers();
});

/** `perSecond` route requests a second for `seconds`, each 2 ms long, with no sample in between. */
function traffic(perSecond: number, seconds: number): void {
	for (let i = 0; i < perSecond * seconds; i++) {
		const context = monitor.begin('GET');
		context.route = { id: `/route-${i % 5}` };
		vi.advanceTimersByTime(2);
		monitor.end(context, 200);
		vi.advanceTimersByTime(1000 / perSecond - 2);
	}
}

describe('Monitor under load without samples', () => {
	it('goes coarse about six seconds into a load test, and back once requests come at a person’s pace', () => {
		traffic(200, 5);
		expect(monitor.report().sampling.underLoad).toBe(false);
		traffic(200, 2);
		expect(monitor.report().sampling).toMatchObject({ underLoad: true, allocationIntervalBytes: 64 * 16 * 1024 });
		traffic(1, 4);
		expect(monitor.report().sampling).toMatchObject({ underLoad: false, allocationIntervalBytes: 16 * 1024 });
		expect(changes).toEqual([true, false]);
	});

	it('does not go coarse on a burst, nor while a person browses', () => {
		traffic(300, 4);
		traffic(3, 30);
		expect(changes).toEqual([]);
	});
});
