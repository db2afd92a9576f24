import { describe, expect, it } from 'vitest';
import { addPoint, GROWTH_RULE, judgeGrowth, type GrowthState, type GrowthTrack } from '../src/scope/entry-growth.ts';

/** Feeds one point per request (entries after each), as samples between requests would, and returns every state seen. */
function run(entriesAfter: (request: number) => number, requests: number, evicts = false): GrowthState[] {
	let track: GrowthTrack | undefined;
	const states: GrowthState[] = [];
	let state: GrowthState = 'flat';
	for (let request = 1; request <= requests; request++) {
		track = addPoint(track, { requests: request, entries: entriesAfter(request) });
		state = judgeGrowth(track, evicts, state).state;
		states.push(state);
	}
	return states;
}

describe('the entry-count rule', () => {
	it('calls a collection that gains one entry per request a leak once it grew by minGrowth over minRisingRequests', () => {
		const states = run((request) => request, 200);
		const flaggedAt = states.indexOf('leak') + 1;
		expect(flaggedAt).toBeGreaterThan(GROWTH_RULE.minRisingRequests);
		expect(flaggedAt).toBeLessThanOrEqual(GROWTH_RULE.minRisingRequests + 2);
		expect(states.slice(flaggedAt - 1).every((state) => state === 'leak')).toBe(true);
	});

	it('never flags a 25-entry LRU (the module evicts) or a memo over 5 keys, not even while they fill', () => {
		expect(run((request) => Math.min(request, 25), 300, true)).not.toContain('leak');
		expect(run((request) => Math.min(Math.ceil(request / 3), 5), 300)).not.toContain('leak');
		expect(run((request) => Math.min(request, 25), 300, true).at(-1)).toBe('filled');
	});

	it('flags a cache that evicts only once it grew past minGrowthIfEvicts', () => {
		const states = run((request) => request, 200, true);
		expect(states.indexOf('leak') + 1).toBe(GROWTH_RULE.minGrowthIfEvicts + 1);
	});

	it('flags slow growth in step with requests, not a few entries over many requests', () => {
		expect(run((request) => Math.floor(request / 10), 200)).toContain('leak');
		expect(run((request) => Math.floor(request / 50), 200)).not.toContain('leak');
	});

	it('clears a leak once the collection made no new high for clearRequests requests', () => {
		const states = run((request) => Math.min(request, 40), 40 + GROWTH_RULE.clearRequests);
		expect(states[39]).toBe('leak');
		expect(states.at(-1)).toBe('filled');
	});

	it('counts growth from the first point, whatever the number of samples, and replaces a reading at the same request count', () => {
		let track: GrowthTrack | undefined;
		for (let request = 1; request <= 500; request++) track = addPoint(track, { requests: request, entries: request });
		expect(judgeGrowth(track, false, 'leak')).toMatchObject({ state: 'leak', rise: 499, entriesPerRequest: 1, entries: 500 });
		track = addPoint(track, { requests: 500, entries: 480 });
		expect(judgeGrowth(track, false, 'leak')).toMatchObject({ rise: 479, entries: 480 });
	});
});
