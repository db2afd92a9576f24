import { telemetry, type ExporterMode } from '#lib/lab/telemetry/switch.ts';

export async function load() {
	return { mode: telemetry.mode, pending: { stuck: telemetry.processors.stuck.pending, exporting: telemetry.processors.exporting.pending } };
}

export const actions = {
	default: async ({ request }) => {
		const mode = String((await request.formData()).get('mode'));
		if (mode === 'off' || mode === 'stuck' || mode === 'exporting') telemetry.mode = mode satisfies ExporterMode;
		return { mode: telemetry.mode };
	}
};
