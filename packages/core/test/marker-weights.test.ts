import { describe, expect, it } from 'vitest';
import { AllocationSampler } from '../src/heap/allocation-sampler.ts';
import { RequestMarkers } from '../src/request/request-markers.ts';

// What request markers place is weighted by the read that placed it (its route's requests over the
// marked ones). The weight must leave with the bytes: a weight that changed between reads once turned
// transient bytes into a slope (it was applied to growth and not to the death that followed), and
// flagged a clean remote function in CI.

/** No route file anywhere: everything allocated here is for markers to place. */
const noRoute = () => undefined;
let kept: object[] = [];

/** Allocates ~1.4 MB that stays alive until `kept` is emptied, in one marked "request" of `/a` (sampled: 1.2-1.9 MB in 15 runs, far from the 500 KB asserted; half as much read 0.48 MB once in CI). */
function markedRequest(markers: RequestMarkers): void {
	const id = markers.started(true)!;
	for (let i = 0; i < 8000; i++) kept.push({ i, text: `entry ${i}`, list: [i, i + 1, i + 2] });
	markers.ended(id, '/a');
	// A second request, so that the first is not the latest range before the read.
	markers.ended(markers.started(true)!, '/b');
}

describe('bytes placed by request markers', () => {
	it('count at the weight of the read that placed them, and take all of it away when they die', () => {
		const sampler = new AllocationSampler(noRoute, 16 * 1024);
		const markers = new RequestMarkers();
		try {
			markedRequest(markers);
			const firstRead = sampler.liveBytesByKey(markers.keyOfSize(), () => 4);
			markers.release();
			// First seen: pending, counted for /a from the next read that still finds it alive.
			expect(firstRead.get('/a')).toBeUndefined();

			// A later read weighs its own placements differently; these were placed at 4.
			const placed = sampler.liveBytesByKey(markers.keyOfSize(), () => 1).get('/a')!;
			expect(placed.marked).toBeGreaterThan(500_000);
			expect(placed.extrapolated).toBe(placed.marked * 3);

			kept = [];
			const after = sampler.liveBytesByKey(markers.keyOfSize(), () => 1).get('/a');
			// (A few of the request's small objects other than these may still be alive.)
			expect(after!.marked).toBeLessThan(placed.marked / 20);
			expect(after!.extrapolated).toBe(after!.marked * 3);
			// Its death is noise at the same weight: four times the bytes that died (a sample or two of the
			// 16 KB interval may still be alive, as above, and stays out of it).
			expect(after!.turnover).toBeGreaterThanOrEqual((placed.marked - after!.marked) * 4);
		} finally {
			sampler.close();
			kept = [];
		}
	});
});
