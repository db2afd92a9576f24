const UNITS = ['B', 'KB', 'MB', 'GB'];

/** 1536 → "1.5 KB"; signed when asked, for deltas. */
export function formatBytes(bytes: number, signed = false): string {
	const sign = bytes < 0 ? '−' : signed && bytes > 0 ? '+' : '';
	let value = Math.abs(bytes);
	let unit = 0;
	while (value >= 1024 && unit < UNITS.length - 1) {
		value /= 1024;
		unit++;
	}
	const digits = unit === 0 || value >= 100 ? 0 : 1;
	return `${sign}${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatTime(at: number): string {
	return new Date(at).toLocaleTimeString(undefined, { hour12: false });
}

/** How a route reads in the table: the 404 bucket has no id. */
export const routeLabel = (id: string | null) => id ?? '(no route: 404)';

/** Vite's `__open-in-editor` endpoint, with an absolute path so it works whatever the server's cwd. */
export function editorUrl(base: string, root: string, file: string, line?: number): string {
	const absolute = /^([a-zA-Z]:)?\//.test(file) ? file : `${root.replace(/\/$/, '')}/${file}`;
	return `${base}__open-in-editor?file=${encodeURIComponent(line ? `${absolute}:${line}` : absolute)}`;
}
