import { requestLog } from '#lib/lab/request-log.ts';

export async function load() {
	return { enabled: requestLog.enabled, entries: requestLog.entries.length };
}

export const actions = {
	toggle: async () => {
		requestLog.enabled = !requestLog.enabled;
		return { enabled: requestLog.enabled };
	}
};
