/** The switchable request log used by hooks.server handle (off until the lab page turns it on). */
export const requestLog = {
	enabled: false,
	entries: [] as { url: string; headers: [string, string][]; at: number; trail: string[] }[]
};
