import { describe, expect, it } from 'vitest';
import {
	applyDelta,
	deltaBetween,
	describeHandle,
	encode,
	parseRetainerStatus,
	parseServerMessage,
	warningsOf,
	type FindingReport,
	type Report,
	type RetainerCaptureStatus,
	type RouteReport,
	type StateMessage
} from '../src/protocol/index.ts';

function route(id: string | null, fields: Partial<RouteReport> = {}): RouteReport {
	return {
		id,
		requests: 20,
		verdict: 'ok',
		retainedBytesPerRequest: 0,
		externalBytesPerRequest: 0,
		estimateRequests: 20,
		firstFlaggedAt: null,
		handles: 0,
		handleSites: [],
		handleVerdict: 'ok',
		handlesPerRequest: 0,
		handlesFlaggedAt: null,
		sources: [],
		file: null,
		last: null,
		history: [],
		...fields
	};
}

function finding(file: string, fields: Partial<FindingReport> = {}): FindingReport {
	return { kind: 'hooks', file, verdict: 'leak', retainedBytesPerRequest: 4096, estimateRequests: 30, firstFlaggedAt: 12, sources: [], ...fields };
}

function report(fields: Partial<Report> = {}): Report {
	return {
		version: 1,
		epoch: 0,
		samples: 3,
		lastSample: null,
		sampling: { underLoad: false, allocationIntervalBytes: 16384, busySampleAfterMs: 1500, quietSpellsOnly: false },
		history: [],
		routes: [],
		staleHandles: [],
		findings: [],
		process: { monitors: 1, allocationSampling: true, restarts: 0 },
		...fields
	};
}

const interval = { type: 'Interval', delayMs: 1000, file: 'src/routes/lab/interval/[id]/+page.server.ts', line: 6, count: 4 };

describe('warningsOf', () => {
	it('warns for a leaking route, with its top allocation site', () => {
		const source = { file: 'src/lib/lab/payload.ts', line: 5, function: 'makeRecords', bytesPerRequest: 96_000 };
		const warnings = warningsOf(
			report({ routes: [route('/a', { verdict: 'leak', retainedBytesPerRequest: 98_000, firstFlaggedAt: 14, sources: [source] }), route('/b')] })
		);
		expect(warnings).toEqual([{ key: 'leak:/a', kind: 'leak', routeId: '/a', retainedBytesPerRequest: 98_000, source, flaggedAt: 14 }]);
	});

	it('warns for a route that leaves handles per request, with where they are created', () => {
		const leaky = route('/lab/interval/[id]', { handles: 4, handleSites: [interval], handleVerdict: 'leak', handlesPerRequest: 1, handlesFlaggedAt: 3 });
		expect(warningsOf(report({ routes: [leaky, route('/c', { handles: 1 })] }))).toEqual([
			{ key: 'handles:/lab/interval/[id]', kind: 'handles', routeId: '/lab/interval/[id]', handlesPerRequest: 1, handles: 4, site: interval, flaggedAt: 3 }
		]);
	});

	it('gives one route both warnings when it keeps memory and handles', () => {
		const both = route(null, { verdict: 'leak', handleVerdict: 'leak', handles: 2, handlesPerRequest: 1 });
		expect(warningsOf(report({ routes: [both] })).map((warning) => warning.key)).toEqual(['leak:(404)', 'handles:(404)']);
	});

	it('warns once for a leaking hooks or layout file, not for one that is ok or warming', () => {
		const source = { file: 'src/hooks.server.ts', line: 8 };
		const warnings = warningsOf(
			report({
				findings: [
					finding('src/hooks.server.ts', { sources: [source] }),
					finding('src/routes/+layout.server.ts', { kind: 'layout', verdict: 'ok' }),
					finding('src/routes/(app)/+layout.server.ts', { kind: 'layout', verdict: 'warming' })
				]
			})
		);
		expect(warnings).toEqual([
			{ key: 'finding:src/hooks.server.ts', kind: 'finding', scope: 'hooks', file: 'src/hooks.server.ts', retainedBytesPerRequest: 4096, source, flaggedAt: 12 }
		]);
	});

	it('lists every stale handle site, merging a site reported twice so that keys stay unique', () => {
		const stale = { ...interval, route: '/lab/interval/[id]', epoch: 2 };
		const other = { ...stale, type: 'Timeout', delayMs: 60_000, line: 9, count: 1 };
		const warnings = warningsOf(report({ staleHandles: [stale, other, { ...stale, count: 3 }] }));
		expect(warnings.map((warning) => warning.kind)).toEqual(['stale-handles', 'stale-handles']);
		expect(new Set(warnings.map((warning) => warning.key)).size).toBe(2);
		expect(warnings[0]).toMatchObject({ site: { ...stale, count: 7 } });
	});
});

describe('describeHandle', () => {
	it('names timers with their period or delay, other handles by kind', () => {
		expect(describeHandle(interval)).toBe('setInterval every 1000 ms');
		expect(describeHandle({ type: 'Timeout', delayMs: 3_600_000 })).toBe('setTimeout of 3600000 ms');
		expect(describeHandle({ type: 'TCP' })).toBe('TCP socket');
		expect(describeHandle({ type: 'Something' })).toBe('Something');
	});
});

describe('deltas', () => {
	const state = (value: Report): StateMessage => ({ type: 'heapwatch:state', report: value, warnings: warningsOf(value) });

	it('carry findings, stale handles and warnings when they change, and bring the client to the same state', () => {
		const before = report({ routes: [route('/a')] });
		const after = report({
			samples: 4,
			routes: [route('/a', { handles: 3, handleSites: [interval], handleVerdict: 'leak', handlesPerRequest: 1 })],
			findings: [finding('src/hooks.server.ts')],
			staleHandles: [{ ...interval, route: '/a', epoch: 1 }]
		});
		const delta = deltaBetween(encode(before).snapshot, encode(after))!;
		expect(delta.findings).toEqual(after.findings);
		expect(delta.staleHandles).toEqual(after.staleHandles);
		expect(delta.warnings?.map((warning) => warning.kind)).toEqual(['handles', 'finding', 'stale-handles']);
		const parsed = parseServerMessage(JSON.stringify(delta));
		expect(parsed).toEqual(delta);
		expect(applyDelta(state(before), delta)).toEqual(state(after));
	});

	it('leave findings and stale handles out when they did not change', () => {
		const value = report({ findings: [finding('src/hooks.server.ts')] });
		const delta = deltaBetween(encode(value).snapshot, encode({ ...value, samples: 9 }))!;
		expect(delta).not.toHaveProperty('findings');
		expect(delta).not.toHaveProperty('staleHandles');
		expect(delta).not.toHaveProperty('warnings');
	});
});

describe('parseServerMessage', () => {
	const full = report({
		routes: [route('/a', { handleSites: [interval], sources: [{ file: 'src/a.ts', line: 1, function: 'load', bytesPerRequest: 10 }] })],
		findings: [finding('src/hooks.server.ts')],
		staleHandles: [{ ...interval, route: null, epoch: 1 }]
	});
	const message = (value: unknown) => JSON.stringify({ type: 'heapwatch:state', report: value, warnings: warningsOf(full) });

	it('accepts a full state', () => {
		expect(parseServerMessage(message(full))).toEqual({ type: 'heapwatch:state', report: full, warnings: warningsOf(full) });
	});

	it.each([
		['a handle site without a count', { ...full, routes: [route('/a', { handleSites: [{ ...interval, count: '4' as unknown as number }] })] }],
		['an unknown handle verdict', { ...full, routes: [route('/a', { handleVerdict: 'maybe' as 'ok' })] }],
		['findings missing', { ...full, findings: undefined }],
		['a finding of an unknown kind', { ...full, findings: [finding('x', { kind: 'page' as 'hooks' })] }],
		['a stale site without its epoch', { ...full, staleHandles: [interval] }]
	])('rejects %s', (_, value) => {
		expect(parseServerMessage(message(value))).toBeNull();
	});

	it('rejects a warning of an unknown kind or with a missing field', () => {
		const base = { type: 'heapwatch:state', report: full };
		expect(parseServerMessage(JSON.stringify({ ...base, warnings: [{ key: 'x', kind: 'other' }] }))).toBeNull();
		expect(
			parseServerMessage(JSON.stringify({ ...base, warnings: [{ key: 'x', kind: 'handles', routeId: '/a', handles: 1, site: null, flaggedAt: null }] }))
		).toBeNull();
		expect(parseServerMessage(JSON.stringify({ ...base, warnings: [{ key: 'x', kind: 'toString' }] }))).toBeNull();
	});
});

describe('parseRetainerStatus', () => {
	const done: RetainerCaptureStatus = {
		route: '/lab/unbounded-cache/[id]',
		state: 'done',
		requestsNeeded: 0,
		cost: { heapUsed: 70e6, pauseMs: 1400, fileBytes: 56e6, snapshots: 2 },
		snapshots: ['.heapwatch/a-before.heapsnapshot', '.heapwatch/a-after.heapsnapshot'],
		snapshotBytes: [41e6, 42e6],
		pauseMs: [1100, 1200],
		grown: [{ name: 'Object', count: 10_000, selfBytes: 480_000 }],
		path: [
			{ edge: 'globalCache', node: 'Object', file: 'src/routes/lab/unbounded-cache/[id]/+page.server.ts', line: 4 },
			{ edge: '.abc', node: 'Array' }
		],
		variable: { name: 'globalCache', file: 'src/routes/lab/unbounded-cache/[id]/+page.server.ts', line: 4 },
		message: '10000 new Object (468.8 KB) still alive, kept by `globalCache`.'
	};

	it('accepts a capture status, waiting or done', () => {
		expect(parseRetainerStatus(done)).toBe(done);
		expect(parseRetainerStatus({ ...done, state: 'waiting', requestsNeeded: 5, snapshots: [], grown: [], path: [], variable: null })).not.toBeNull();
	});

	it('rejects an error body and a status of an unknown state', () => {
		expect(parseRetainerStatus({ error: 'No capture for /x.', cost: done.cost })).toBeNull();
		expect(parseRetainerStatus({ ...done, state: 'paused' })).toBeNull();
		expect(parseRetainerStatus(null)).toBeNull();
	});
});
