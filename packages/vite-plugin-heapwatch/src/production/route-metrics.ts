import { createNoopMeter, metrics, ValueType, type Meter, type MetricOptions, type Observable } from '@opentelemetry/api';
import type { RouteMonitor } from './route-monitor.ts';

/** The meter's name: the instrumentation scope the backend shows (`otel_scope_name` in Prometheus). */
export const METER_NAME = 'heapwatch';

/** `http.route`, OpenTelemetry's semantic-convention attribute for the matched route template (Kit's route id). */
const ROUTE = 'http.route';

/**
 * The app's registered meter, or undefined when no OpenTelemetry SDK registered a MeterProvider: the
 * API then hands out its no-op meter, and measuring would cost for nothing. The SDK must be set up
 * before heapwatch() is called (src/instrumentation.server.ts runs before hooks.server.ts).
 */
export function registeredMeter(): Meter | undefined {
	const meter = metrics.getMeter(METER_NAME);
	return meter === createNoopMeter() ? undefined : meter;
}

interface Instrument extends MetricOptions {
	name: string;
	/** A running total (an ObservableCounter) rather than a gauge. */
	counter?: true;
}

/**
 * heapwatch's instruments. Units follow UCUM as the semantic conventions ask (`By`, annotations in
 * braces, `1`); the description is the HELP line a Prometheus scrape shows.
 */
const INSTRUMENTS = {
	retained: {
		name: 'heapwatch.route.retained_bytes_per_request',
		description: 'Memory (V8 heap and Buffers) each request of the route keeps past major GCs, estimated by regression over the GC intervals of this process',
		unit: 'By',
		valueType: ValueType.DOUBLE
	},
	retainedError: {
		name: 'heapwatch.route.retained_bytes_standard_error',
		description: 'Standard error of heapwatch.route.retained_bytes_per_request',
		unit: 'By',
		valueType: ValueType.DOUBLE
	},
	requests: {
		name: 'heapwatch.route.requests',
		description: 'Requests of the route heapwatch counted',
		unit: '{request}',
		valueType: ValueType.INT,
		counter: true
	},
	handles: {
		name: 'heapwatch.route.live_handles',
		description: "Timers, sockets and file handles created by the route's watched requests and still alive after their response",
		unit: '{handle}',
		valueType: ValueType.INT
	},
	leak: {
		name: 'heapwatch.route.leak',
		description: '1 when the route keeps more than the leak threshold per request, clear of the noise; else 0',
		unit: '1',
		valueType: ValueType.INT
	},
	heapAfterGc: {
		name: 'heapwatch.process.heap_after_gc',
		description: "V8 heap used by objects (old space and large objects) right after V8's latest major GC",
		unit: 'By',
		valueType: ValueType.INT
	}
} satisfies Record<string, Instrument>;

type Instruments = Record<keyof typeof INSTRUMENTS, Observable>;

function createInstruments(meter: Meter): Instruments {
	const created = Object.entries(INSTRUMENTS).map(([key, { name, counter, ...options }]: [string, Instrument]) => [
		key,
		counter ? meter.createObservableCounter(name, options) : meter.createObservableGauge(name, options)
	]);
	return Object.fromEntries(created) as Instruments;
}

/**
 * Registers heapwatch's instruments on the meter. All are observed when the SDK collects (a Prometheus
 * scrape, an OTLP export interval), from the figures the monitor keeps anyway: nothing is recorded per request.
 */
export function observeRoutes(meter: Meter, monitor: RouteMonitor): void {
	const { retained, retainedError, requests, handles, leak, heapAfterGc } = createInstruments(meter);

	meter.addBatchObservableCallback(
		(result) => {
			for (const figures of monitor.figures()) {
				const attributes = { [ROUTE]: figures.route };
				result.observe(requests, figures.requests, attributes);
				result.observe(leak, figures.leak ? 1 : 0, attributes);
				if (figures.retainedBytesPerRequest !== undefined) result.observe(retained, figures.retainedBytesPerRequest, attributes);
				if (figures.retainedStandardError !== undefined && Number.isFinite(figures.retainedStandardError)) {
					result.observe(retainedError, figures.retainedStandardError, attributes);
				}
				if (figures.liveHandles !== undefined) result.observe(handles, figures.liveHandles, attributes);
			}
			if (monitor.heapAfterGc !== undefined) result.observe(heapAfterGc, monitor.heapAfterGc);
		},
		[retained, retainedError, requests, handles, leak, heapAfterGc]
	);
}
