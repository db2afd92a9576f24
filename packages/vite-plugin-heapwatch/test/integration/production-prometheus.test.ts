import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	buildProductionApp,
	PRODUCTION_ROUTES,
	sendMixedTraffic,
	startProductionInstance,
	type ProductionInstance,
	type ProductionRouteId
} from '../../../../scripts/lib/production-app.ts';
import { prometheusMissing, startPrometheus, type PrometheusServer } from '../../../../scripts/lib/prometheus.ts';
import { sleep } from '../../../../scripts/lib/traffic.ts';

// vite-plugin-heapwatch/production in a fleet of two adapter-node instances of the fixture app, each
// with the OpenTelemetry SDK's Prometheus exporter, scraped by a real Prometheus started here. One
// route keeps ~200 KB per request; a route that allocates as much and keeps nothing, a bounded cache
// and two static routes do not.

// V8 starts a major GC once the old generation has grown by a factor it picks from its GC speed
// (1.1x to 4x) and the young generation's size (16 MB semi-spaces on 64-bit): 3 major GCs in 3000
// requests of this traffic with the defaults, 15 with --heap-growing-percent=10 and 2 MB semi-spaces
// (measured). So a few thousand requests see a dozen of V8's own GCs, as a server in production does
// over a longer time. heapwatch forces none. 6000 requests per instance (about 20 GC intervals) and not
// 3000 (about 14): with 14, one instance in a CI run of main missed the leak (its standard error
// doubled on one interval's outlier; measured here: 1 miss in 86 instances with 3000, 0 in 50 with 6000).
const NODE_FLAGS = ['--heap-growing-percent=10', '--max-semi-space-size=2'];
const TRAFFIC = { bursts: 40, perBurst: 150, concurrency: 4 };
const LEAK = '/leak/[id]';

const missing = prometheusMissing();
if (missing) console.warn(`production-prometheus.test.ts: the fleet test is skipped: ${missing}.`);

beforeAll(() => buildProductionApp());

describe.skipIf(missing !== null)('two production instances scraped by Prometheus', () => {
	const instances: ProductionInstance[] = [];
	let prometheus: PrometheusServer;
	const sent = new Map<ProductionRouteId, number>();
	const routesOf = (samples: Array<{ labels: Record<string, string> }>) => samples.map((sample) => sample.labels.http_route).sort();

	beforeAll(async () => {
		for (let i = 0; i < 2; i++) instances.push(await startProductionInstance({ heapwatch: true, metrics: true, nodeFlags: NODE_FLAGS }));
		prometheus = await startPrometheus(instances.map((instance) => `127.0.0.1:${instance.metricsPort}`));
		const counts = await Promise.all(instances.map((instance, i) => sendMixedTraffic(instance.url, { ...TRAFFIC, seed: 17 + i })));
		for (const count of counts) for (const [route, n] of count) sent.set(route, (sent.get(route) ?? 0) + n);
		// Until Prometheus has scraped both instances after the last request.
		const total = [...sent.values()].reduce((sum, n) => sum + n, 0);
		for (let i = 0; i < 100; i++) {
			const [scraped] = await prometheus.query('sum(heapwatch_route_requests_total)');
			if (scraped?.value === total) break;
			await sleep(200);
		}
	});
	afterAll(async () => {
		await prometheus?.stop();
		await Promise.all(instances.map((instance) => instance.stop()));
	});

	/** What each instance says of each route, for a failure's message: a verdict alone says nothing of why. */
	async function figuresOfEachInstance(): Promise<string> {
		const lines: string[] = [];
		for (const metric of ['heapwatch_route_leak', 'heapwatch_route_retained_bytes_per_request', 'heapwatch_route_retained_bytes_standard_error']) {
			for (const sample of await prometheus.query(metric))
				lines.push(`${metric} ${sample.labels.instance} ${sample.labels.http_route} ${Math.round(sample.value)}`);
		}
		return `figures of the instances:\n${lines.join('\n')}\nstderr of the instances:\n${instances.map((instance) => instance.stderr()).join('\n')}`;
	}

	it('counts every request of both instances under its route id (http.route)', async () => {
		const perRoute = await prometheus.query('sum by (http_route) (heapwatch_route_requests_total)');
		expect(Object.fromEntries(perRoute.map((sample) => [sample.labels.http_route, sample.value]))).toEqual(
			Object.fromEntries(PRODUCTION_ROUTES.map((route) => [route.id, sent.get(route.id)]))
		);
	});

	it('names the leaking route and no clean one, over both instances', async () => {
		// The fleet's rule (README): a route that most instances find leaking. A leak in the code shows on
		// every instance; an instance's false alarm (noise, a cache still filling) does not.
		const leaking = await prometheus.query('avg by (http_route) (heapwatch_route_leak) > 0.5');
		expect(routesOf(leaking), await figuresOfEachInstance()).toEqual([LEAK]);
	});

	it('estimates what the leak keeps per request on each instance, with its standard error', async () => {
		const retained = await prometheus.query(`heapwatch_route_retained_bytes_per_request{http_route="${LEAK}"}`);
		expect(retained).toHaveLength(2);
		for (const sample of retained) expect(sample.value).toBeGreaterThan(20_000);
		const errors = await prometheus.query(`heapwatch_route_retained_bytes_standard_error{http_route="${LEAK}"}`);
		expect(errors).toHaveLength(2);
		for (const sample of errors) expect(sample.value).toBeGreaterThan(0);
	});

	it("exports each process's heap after V8's last major GC, and the live handles of watched requests", async () => {
		const heap = await prometheus.query('heapwatch_process_heap_after_gc');
		expect(heap).toHaveLength(2);
		for (const sample of heap) expect(sample.value).toBeGreaterThan(1_000_000);
		const handles = await prometheus.query('sum by (http_route) (heapwatch_route_live_handles)');
		expect(routesOf(handles)).toEqual(PRODUCTION_ROUTES.map((route) => route.id).sort());
	});
});

describe('a production instance without an OpenTelemetry SDK', () => {
	let instance: ProductionInstance;
	beforeAll(async () => {
		instance = await startProductionInstance({ heapwatch: true, metrics: false });
		await sendMixedTraffic(instance.url, { bursts: 2, perBurst: 20, concurrency: 2, seed: 1 });
	});
	afterAll(() => instance?.stop());

	it('serves every request and says once that it measures nothing', () => {
		const said =
			instance
				.stderr()
				.match(/\[heapwatch\] No OpenTelemetry MeterProvider is registered, so heapwatch measures nothing \(its handle only calls resolve\)\./g) ?? [];
		expect(said).toHaveLength(1);
	});
});
