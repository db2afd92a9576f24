// Loaded by SvelteKit before the app (and once per module instance in dev). Tracing is off until the
// /lab/telemetry page switches it on: `stuck` is the leak of an exporter that never calls back.
import { telemetry } from '#lib/lab/telemetry/switch.ts';
import { instrumentHttp } from '#lib/lab/telemetry/tracer.ts';

const key = Symbol.for('playground:telemetry-instrumented');
const registry = globalThis as Record<symbol, boolean>;
// Dev re-imports this module after an edit: subscribe once per process.
if (!registry[key]) {
	registry[key] = true;
	instrumentHttp(() => telemetry.processor());
}
