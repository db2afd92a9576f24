import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heapwatch, type Handle } from '../../src/production/index.ts';
import { leaks, t99 } from '../../src/production/leak-verdict.ts';
import { resolveProductionOptions } from '../../src/production/options.ts';

// vite-plugin-heapwatch/production against the OpenTelemetry SDK in this process: the instruments as a
// backend receives them, and the estimate from real major GCs. The test triggers those GCs itself (with
// --expose-gc) to play V8's part quickly; heapwatch cannot tell them from V8's own, and forces none.

/** Collects on demand, as a Prometheus scrape or an OTLP export interval does. */
class TestReader extends MetricReader {
	protected async onShutdown(): Promise<void> {}
	protected async onForceFlush(): Promise<void> {}
}

interface Point {
	value: number;
	attributes: Record<string, unknown>;
}

async function collect(reader: TestReader): Promise<Map<string, { unit: string; points: Point[] }>> {
	const { resourceMetrics } = await reader.collect();
	const found = new Map<string, { unit: string; points: Point[] }>();
	for (const scope of resourceMetrics.scopeMetrics) {
		expect(scope.scope.name).toBe('heapwatch');
		for (const metric of scope.metrics) {
			found.set(metric.descriptor.name, {
				unit: metric.descriptor.unit,
				points: (metric.dataPoints as Array<{ value: number; attributes: Record<string, unknown> }>).map((point) => ({
					value: point.value,
					attributes: point.attributes
				}))
			});
		}
	}
	return found;
}

const valueOf = (points: Point[] | undefined, route: string) => points?.find((point) => point.attributes['http.route'] === route)?.value;

/** A request of `route` through the handle; what Kit would pass it, as far as heapwatch reads it. */
function request(handle: Handle, route: string | null, work: () => void = () => {}, isSubRequest = false) {
	const event = { route: { id: route }, isSubRequest, request: new Request('http://localhost/') };
	return handle({
		event,
		resolve: () => {
			work();
			return new Response('ok');
		}
	});
}

setFlagsFromString('--expose-gc');
const majorGc = runInNewContext('gc') as (options?: { type: 'major'; execution: 'sync' }) => void;
/** A major GC, then a turn of the event loop so that the GC observer's entry arrives. */
async function gcAndWait() {
	majorGc({ type: 'major', execution: 'sync' });
	await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('without an OpenTelemetry SDK', () => {
	it('passes requests through and says once, however many handles are made, that it measures nothing', async () => {
		const said: string[] = [];
		const first = heapwatch({ log: (message) => said.push(message) });
		const second = heapwatch({ log: (message) => said.push(message) });
		expect(await (await request(first, '/a')).text()).toBe('ok');
		await request(second, '/a');
		expect(said).toEqual([
			'[heapwatch] No OpenTelemetry MeterProvider is registered, so heapwatch measures nothing (its handle only calls resolve). Start an OpenTelemetry SDK with a metric reader in src/instrumentation.server.ts; see "Production" in the README of vite-plugin-heapwatch.'
		]);
	});
});

describe('options', () => {
	it('names an unknown option and a value of the wrong kind', () => {
		expect(() => resolveProductionOptions({ leakTreshold: 10 } as never)).toThrow(
			/Unknown option "leakTreshold" passed to heapwatch\(\) from vite-plugin-heapwatch\/production/
		);
		expect(() => resolveProductionOptions({ window: '20' } as never)).toThrow(
			'Option "window" of heapwatch() (vite-plugin-heapwatch/production) must be a number, got string.'
		);
	});
});

describe('the leak rule', () => {
	it("uses Student's t for the degrees of freedom, the smaller tabulated df between rows, none below 1", () => {
		expect(t99(5)).toBe(3.365);
		expect(t99(11)).toBe(2.764);
		expect(t99(1000)).toBe(2.358);
		expect(t99(0)).toBe(Infinity);
	});

	it('flags when the lower end of the 99% interval is above the threshold, and clears below half of it', () => {
		// 48 KB +- 20 KB on 5 df (a clean route in the fleet test): 48 - 3.365 * 20 < 2 KB.
		expect(leaks(false, { bytesPerRequest: 48_000, standardError: 20_000, degreesOfFreedom: 5 }, 2048)).toBe(false);
		expect(leaks(false, { bytesPerRequest: 180_000, standardError: 20_000, degreesOfFreedom: 5 }, 2048)).toBe(true);
		expect(leaks(false, { bytesPerRequest: 0, standardError: Infinity, degreesOfFreedom: 5 }, 2048)).toBe(false);
		expect(leaks(true, { bytesPerRequest: 1500, standardError: 20_000, degreesOfFreedom: 5 }, 2048)).toBe(true);
		expect(leaks(true, { bytesPerRequest: 1000, standardError: 0, degreesOfFreedom: 5 }, 2048)).toBe(false);
	});
});

describe('with an SDK registered', () => {
	const reader = new TestReader();
	const provider = new MeterProvider({ readers: [reader] });
	let handle: Handle;
	beforeAll(() => {
		metrics.setGlobalMeterProvider(provider);
		handle = heapwatch({ warmupRequests: 2, minRequests: 20, window: 200, handlesOneIn: 1, handleGrace: 100, log: () => {} });
	});
	afterAll(async () => {
		await provider.shutdown();
		metrics.disable();
	});

	const kept: unknown[] = [];
	const routes: Record<string, () => void> = {
		'/leak/[id]': () => kept.push(Array.from({ length: 1000 }, (_, i) => ({ i, label: `row ${i}` }))),
		'/transient/[id]': () => void Array.from({ length: 1000 }, (_, i) => ({ i, label: `row ${i}` })),
		'/about': () => {}
	};

	it('exports the five metrics (and the standard error) with their units and http.route, from real major GCs', async () => {
		await gcAndWait();
		// Batches whose route mix changes, a major GC after each: one GC interval per batch. SCALE
		// requests per unit, so that what the test process itself allocates between GCs is small per request.
		const SCALE = 10;
		const mixes = [
			[1, 5, 5],
			[5, 1, 5],
			[5, 5, 1],
			[2, 8, 3],
			[8, 2, 6],
			[3, 3, 9],
			[9, 4, 2],
			[1, 9, 7],
			[6, 1, 1],
			[4, 7, 4],
			[7, 3, 8],
			[2, 2, 2]
		];
		for (const mix of mixes) {
			for (const [index, route] of Object.keys(routes).entries()) {
				for (let i = 0; i < mix[index] * SCALE; i++) await request(handle, route, routes[route]);
			}
			await gcAndWait();
		}
		await request(handle, null);
		await request(handle, '/about', () => {}, true);

		const found = await collect(reader);
		expect(Object.fromEntries([...found].map(([name, metric]) => [name, metric.unit]))).toEqual({
			'heapwatch.route.retained_bytes_per_request': 'By',
			'heapwatch.route.retained_bytes_standard_error': 'By',
			'heapwatch.route.requests': '{request}',
			'heapwatch.route.live_handles': '{handle}',
			'heapwatch.route.leak': '1',
			'heapwatch.process.heap_after_gc': 'By'
		});
		const requests = found.get('heapwatch.route.requests')!.points;
		// The 404 (no route id) and the sub-request are not counted.
		expect(Object.fromEntries(requests.map((point) => [point.attributes['http.route'], point.value]))).toEqual({
			'/leak/[id]': mixes.reduce((sum, mix) => sum + mix[0] * SCALE, 0),
			'/transient/[id]': mixes.reduce((sum, mix) => sum + mix[1] * SCALE, 0),
			'/about': mixes.reduce((sum, mix) => sum + mix[2] * SCALE, 0)
		});
		const leak = found.get('heapwatch.route.leak')!.points;
		const estimates = JSON.stringify([found.get('heapwatch.route.retained_bytes_per_request'), found.get('heapwatch.route.retained_bytes_standard_error')]);
		expect(valueOf(leak, '/leak/[id]'), estimates).toBe(1);
		expect(valueOf(leak, '/transient/[id]'), estimates).toBe(0);
		expect(valueOf(leak, '/about'), estimates).toBe(0);
		const retained = valueOf(found.get('heapwatch.route.retained_bytes_per_request')!.points, '/leak/[id]')!;
		expect(retained).toBeGreaterThan(30_000);
		expect(retained).toBeLessThan(300_000);
		expect(found.get('heapwatch.process.heap_after_gc')!.points[0].value).toBeGreaterThan(1_000_000);
		expect(found.get('heapwatch.process.heap_after_gc')!.points[0].attributes).toEqual({});
		expect(valueOf(found.get('heapwatch.route.live_handles')!.points, '/about')).toBe(0);
	});

	it('counts the timers a route leaves running after its responses in heapwatch.route.live_handles', async () => {
		const timers: NodeJS.Timeout[] = [];
		try {
			for (let i = 0; i < 3; i++) await request(handle, '/poll/[id]', () => void timers.push(setInterval(() => {}, 60_000)));
			await request(handle, '/about');
			// The grace period (100 ms here), then the tracker's check.
			await new Promise((resolve) => setTimeout(resolve, 400));
			const handles = (await collect(reader)).get('heapwatch.route.live_handles')!.points;
			expect(valueOf(handles, '/poll/[id]')).toBe(3);
			expect(valueOf(handles, '/about')).toBe(0);
		} finally {
			for (const timer of timers) clearInterval(timer);
		}
	});

	it('keeps one monitor per process: a second heapwatch() (vite dev evaluates hooks.server.ts again after an edit) counts into it and says so once', async () => {
		const said: string[] = [];
		const again = heapwatch({ log: (message) => said.push(message) });
		heapwatch({ log: (message) => said.push(message) });
		const before = valueOf((await collect(reader)).get('heapwatch.route.requests')!.points, '/about')!;
		await request(again, '/about');
		expect(valueOf((await collect(reader)).get('heapwatch.route.requests')!.points, '/about')).toBe(before + 1);
		expect(said).toEqual([
			'[heapwatch] heapwatch() from vite-plugin-heapwatch/production was called again in this process: the first call goes on measuring, with its options.'
		]);
	});
});
