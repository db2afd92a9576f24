import { describe, expect, it } from 'vitest';
import { parseServerMessage, warningsOf, type KeptBy, type Report, type RouteReport } from '../src/protocol/index.ts';

const keptBy: KeptBy = {
	name: 'cache',
	kind: 'Map',
	file: 'src/routes/a/+page.server.ts',
	line: 3,
	entriesPerRequest: 1,
	entries: 40,
	unbounded: true,
	bytesPerRequest: 512
};

const route: RouteReport = {
	id: '/a',
	requests: 40,
	verdict: 'leak',
	retainedBytesPerRequest: 512,
	externalBytesPerRequest: 0,
	estimateRequests: 40,
	retainedStandardError: null,
	firstFlaggedAt: 12,
	handles: 0,
	handleSites: [],
	handleVerdict: 'ok',
	handlesPerRequest: 0,
	handlesFlaggedAt: null,
	abortedRequests: 2,
	uncertain: false,
	sources: [],
	file: 'src/routes/a/+page.server.ts',
	last: null,
	history: [{ requests: 40, liveBytes: 20_480, lastingTurnover: 0 }],
	keptBy: [keptBy]
};

/** A report with every optional field the server may send. */
const report: Report = {
	version: 1,
	epoch: 0,
	samples: 3,
	lastSample: { heapUsed: 1, external: 2, arrayBuffers: 3, at: 4, gcMs: 5 },
	sampling: { underLoad: false, allocationIntervalBytes: 16384, busySampleAfterMs: 1500, quietSpellsOnly: false },
	history: [],
	routes: [route],
	staleHandles: [],
	findings: [
		{
			kind: 'shared-state',
			file: 'src/lib/user.ts',
			verdict: 'leak',
			retainedBytesPerRequest: 0,
			estimateRequests: 4,
			firstFlaggedAt: 2,
			sources: [],
			keptBy: [],
			binding: { name: 'user', line: 1, writes: 4, writtenBy: ['/a'] }
		}
	],
	process: { monitors: 1, allocationSampling: true, restarts: 0 },
	unplaced: { bytesPerRequest: 4096, standardError: 400, requests: 300, verdict: 'leak', firstFlaggedAt: 250 }
};

const state = (value: Report) => JSON.stringify({ type: 'heapwatch:state', report: value, warnings: warningsOf(value) });

describe('the checks of a received report', () => {
	it('accept every optional field the server sends', () => {
		expect(parseServerMessage(state(report))).toEqual({ type: 'heapwatch:state', report, warnings: warningsOf(report) });
	});

	it.each([
		['a keeper of an unknown kind', { ...report, routes: [{ ...route, keptBy: [{ ...keptBy, kind: 'WeakMap' }] }] }],
		['a route history point without its turnover', { ...report, routes: [{ ...route, history: [{ requests: 40, liveBytes: 20_480 }] }] }],
		['a shared-state binding without its writers', { ...report, findings: [{ ...report.findings[0], binding: { name: 'user', line: 1, writes: 4 } }] }],
		['an unplaced estimate without its standard error', { ...report, unplaced: { bytesPerRequest: 10, requests: 300 } }]
	])('reject %s', (_, value) => {
		expect(parseServerMessage(state(value as Report))).toBeNull();
	});
});
