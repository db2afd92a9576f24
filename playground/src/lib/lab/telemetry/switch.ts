import { BatchSpanProcessor, type SpanExporter } from './tracer.ts';

/**
 * The switch of src/instrumentation.server.ts (off until the lab page turns it on: it traces every
 * request of the playground). `stuck`: the exporter never calls back, so every request's span stays
 * in the processor's pending batches; `exporting`: it calls back, and they are let go.
 */
export type ExporterMode = 'off' | 'stuck' | 'exporting';

const stuck: SpanExporter = {
	export() {
		// Missing: resultCallback({ code: 0 }) once the spans are sent.
	}
};
const exporting: SpanExporter = {
	export(_spans, resultCallback) {
		setImmediate(() => resultCallback({ code: 0 }));
	}
};

export const telemetry = {
	mode: 'off' as ExporterMode,
	processors: { stuck: new BatchSpanProcessor(stuck), exporting: new BatchSpanProcessor(exporting) },
	/** Bounded only so that a lab left on in a load test stays within memory. */
	maxPending: 20_000,
	processor(): BatchSpanProcessor | undefined {
		if (this.mode === 'off') return undefined;
		const processor = this.processors[this.mode];
		return processor.pending < this.maxPending ? processor : undefined;
	}
};
