import type { RequestSummary } from '#messages';

export { formatBytes } from '#messages';

export function formatTime(at: number): string {
	return new Date(at).toLocaleTimeString(undefined, { hour12: false });
}

export { routeLabel } from '#messages';

/** Vite's `__open-in-editor` endpoint, with an absolute path so it works whatever the server's cwd. */
export function editorUrl(base: string, root: string, file: string, line?: number): string {
	const absolute = /^([a-zA-Z]:)?\//.test(file) ? file : `${root.replace(/\/$/, '')}/${file}`;
	return `${base}__open-in-editor?file=${encodeURIComponent(line ? `${absolute}:${line}` : absolute)}`;
}

/** 1400 → "1.4 s", 250 → "250 ms". */
export const formatDuration = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/** A route's last request: "GET 200 in 35 ms", or "GET aborted by the client after 1.2 s" (its status then means little). */
export function describeLastRequest(last: RequestSummary): string {
	const what = last.subRequest ? `${last.method} (sub-request)` : last.method;
	const duration = formatDuration(last.durationMs);
	return last.aborted ? `${what} aborted by the client after ${duration}` : `${what} ${last.status} in ${duration}`;
}

/** Handles per request: one decimal while small, whole numbers from 10 on. */
export const formatRate = (value: number) => (value >= 10 ? String(Math.round(value)) : value.toFixed(1));

/** A count and its noun: 1 handle, 3 handles. */
export const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
