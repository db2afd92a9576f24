import { describe, expect, it } from 'vitest';
import { RequestMarkers } from '../src/request/request-markers.ts';

/** The sampled size of a marker of `length` elements (8 bytes each and a 16-byte header, no pointer compression). */
const sizeOf = (length: number) => 16 + 8 * length;

/** A request that ran alone, from start to end, on `route`: its marker's id. */
function ranAlone(markers: RequestMarkers, route: string | null): number {
	const id = markers.started(true)!;
	markers.ended(id, route);
	return id;
}

describe('request markers', () => {
	it('give a range to a request that ran alone, by the size its marker was sampled at', () => {
		const markers = new RequestMarkers();
		const first = ranAlone(markers, '/a');
		const second = ranAlone(markers, '/b');
		const last = ranAlone(markers, '/c');
		const keyOf = markers.keyOfSize();
		expect(keyOf(sizeOf(first))).toBe('/a');
		expect(keyOf(sizeOf(second))).toBe('/b');
		// The last range before a read: what its request allocated may not have died yet.
		expect(keyOf(sizeOf(last))).toBeNull();
		expect(keyOf(12345)).toBeUndefined();
	});

	it('give no range to a request another one overlapped, nor to one followed by an unmarked request', () => {
		const markers = new RequestMarkers();
		const overlapped = markers.started(true)!;
		expect(markers.started(false)).toBeUndefined();
		markers.ended(overlapped, '/a');
		const followed = ranAlone(markers, '/b');
		markers.started(false);
		const keyOf = markers.keyOfSize();
		expect(keyOf(sizeOf(overlapped))).toBeNull();
		expect(keyOf(sizeOf(followed))).toBeNull();
	});

	it('give no range to a request still running at the read, or to Vite’s own (no route)', () => {
		const markers = new RequestMarkers();
		const vite = ranAlone(markers, null);
		const running = markers.started(true)!;
		const keyOf = markers.keyOfSize();
		expect(keyOf(sizeOf(vite))).toBeNull();
		expect(keyOf(sizeOf(running))).toBeNull();
	});

	it('count their bytes while open, and let them go after the read', () => {
		const markers = new RequestMarkers();
		const id = markers.started(true)!;
		expect(markers.openBytes).toBe(sizeOf(id));
		markers.release();
		expect(markers.openBytes).toBe(0);
		expect(markers.keyOfSize()(sizeOf(id))).toBeUndefined();
	});

	it('let the open markers go at 128 and start again: the requests just before a read are placed', () => {
		const markers = new RequestMarkers();
		const first = ranAlone(markers, '/a');
		for (let i = 0; i < 127; i++) ranAlone(markers, '/a');
		const after = ranAlone(markers, '/b');
		ranAlone(markers, '/c');
		const keyOf = markers.keyOfSize();
		expect(keyOf(sizeOf(first))).toBeUndefined();
		expect(keyOf(sizeOf(after))).toBe('/b');
		expect(markers.placedRequests()).toEqual(new Map([['/b', 1]]));
	});
});

describe('request markers and requests that end late', () => {
	it('give no range to a request during which another one ended (a stream whose client left)', () => {
		const markers = new RequestMarkers();
		const stream = markers.started(true)!;
		markers.ended(stream, '/feed');
		const next = markers.started(true)!;
		// The stream's teardown, reported after the next request began.
		markers.ended(undefined, '/feed');
		markers.ended(next, '/page');
		const keyOf = markers.keyOfSize();
		expect(keyOf(sizeOf(stream))).toBe('/feed');
		expect(keyOf(sizeOf(next))).toBeNull();
	});
});
