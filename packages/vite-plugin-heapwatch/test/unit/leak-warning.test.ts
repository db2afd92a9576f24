import { describe, expect, it } from 'vitest';
import type { KeptBy, RouteReport } from '@heapwatch/core';
import { formatLeak, formatLongGc } from '../../src/server/warnings.ts';

const keeper: KeptBy = { name: 'globalCache', kind: 'Object', file: 'src/lib/cache.ts', line: 2, entriesPerRequest: 1, entries: 12, unbounded: true };

/** A route flagged through what grows at module scope, with or without a heap estimate yet. */
const flagged = (estimate: { bytes: number; requests: number }) =>
	({
		id: '/products/[id]',
		keptBy: [keeper],
		retainedBytesPerRequest: estimate.bytes,
		estimateRequests: estimate.requests,
		sources: [],
		externalBytesPerRequest: 0
	}) as unknown as RouteReport;

describe('the warning of a leak found by counting', () => {
	it('gives the size per request it measured, as what its own files allocate (what the entries hold may be built elsewhere)', () => {
		expect(formatLeak(flagged({ bytes: 300, requests: 40 }))).toContain(
			'a leak however small (~300 B per request after GC, of what its own files allocate; the entries may hold more, built elsewhere).'
		);
	});

	it('says the size is not measured yet when the count came before the first estimate, never "~0 B"', () => {
		const text = formatLeak(flagged({ bytes: 0, requests: 0 }));
		expect(text).toContain(
			'/products/[id] adds to a module-level Object on every request and it never shrinks: a leak however small (its size per request is not measured yet).'
		);
		expect(text).not.toContain('0 B');
	});
});

describe('the line said when the heap grows too big to measure at any moment', () => {
	it('gives the heap, the pause it avoids, and what it costs in verdicts', () => {
		expect(formatLongGc({ liveHeapBytes: 471 * 1024 * 1024, predictedMs: 394.4, quietMs: 5000 })).toBe(
			'the live heap is ~471 MB, and a full GC of it would block ~394 ms: heapwatch now forces one only after 5 s without requests, and measures at V8\'s own GCs meanwhile. Verdicts come after such a pause in browsing; under traffic that never pauses, routes stay "warming".'
		);
	});
});
