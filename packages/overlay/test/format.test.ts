import { describe, expect, it } from 'vitest';
import type { RequestSummary } from '../../core/src/protocol/report.ts';
import { describeLastRequest } from '../src/format.ts';

const last = (fields: Partial<RequestSummary>): RequestSummary => ({
	method: 'GET',
	status: 200,
	aborted: false,
	durationMs: 35,
	heapDeltaBytes: null,
	externalDeltaBytes: null,
	arrayBuffersDeltaBytes: null,
	subRequest: false,
	...fields
});

describe("a route's last request in the overlay", () => {
	it('reads as method, status and duration when it finished', () => {
		expect(describeLastRequest(last({}))).toBe('GET 200 in 35 ms');
		expect(describeLastRequest(last({ method: 'POST', status: 303, durationMs: 1430 }))).toBe('POST 303 in 1.4 s');
		expect(describeLastRequest(last({ subRequest: true, status: 404 }))).toBe('GET (sub-request) 404 in 35 ms');
	});

	it('says aborted, not the status nobody received, when the client went away', () => {
		expect(describeLastRequest(last({ aborted: true, durationMs: 220 }))).toBe('GET aborted by the client after 220 ms');
	});
});
