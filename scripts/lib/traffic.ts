import http from 'node:http';
import { TOKEN_HEADER } from '../../packages/core/src/protocol/endpoints.ts';
import type { Report } from '../../packages/core/src/protocol/report.ts';

/** A lab href with `{n}` replaced by a parameter never used before in this run. */
let counter = 0;
export const fresh = (href: string) => href.replace('{n}', `${Date.now().toString(36)}${(counter++).toString(36)}`);

export function shuffle<T>(items: T[]): T[] {
	const copy = [...items];
	for (let i = copy.length - 1; i > 0; i--) {
		const j = Math.floor(Math.random() * (i + 1));
		[copy[i], copy[j]] = [copy[j], copy[i]];
	}
	return copy;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** GET a path and read the whole body, as a browser would; throws on a network error only. */
export async function get(base: string, path: string): Promise<number> {
	const response = await fetch(base + path);
	await response.arrayBuffer();
	return response.status;
}

/** The token each dev server's heapwatch endpoints want, by its URL (startDevServer reads it from the terminal). */
const tokens = new Map<string, string>();

export function rememberToken(base: string, token: string): void {
	tokens.set(base, token);
}

/** A request to one of heapwatch's endpoints (`path` from `/__heapwatch/`), with the dev server's token. */
export function heapwatchFetch(base: string, path: string, init: RequestInit = {}): Promise<Response> {
	const token = tokens.get(base);
	return fetch(base + path, { ...init, headers: { ...(token ? { [TOKEN_HEADER]: token } : {}), ...(init.headers as Record<string, string>) } });
}

export async function report(base: string): Promise<Report> {
	const response = await heapwatchFetch(base, '/__heapwatch/report.json');
	return (await response.json()) as Report;
}

/** How long the tests wait after their last round: heapwatch's last post-GC samples land in the report by then. */
const SETTLE_MS = 1500;

/**
 * Browsing as the integration tests do: `rounds` rounds of the requests `round` sends, each followed by
 * a pause in which heapwatch takes its post-GC samples; then the report, once the last samples are in.
 */
export async function browse(base: string, { rounds, pauseMs }: { rounds: number; pauseMs: number }, round: (index: number) => Promise<void>): Promise<Report> {
	for (let index = 0; index < rounds; index++) {
		await round(index);
		await sleep(pauseMs);
	}
	await sleep(SETTLE_MS);
	return report(base);
}

/** Polls the report for up to 10 s until `ready` holds (grace periods and HMR are asynchronous); the last one either way. */
export async function reportWhen(base: string, ready: (report: Report) => boolean): Promise<Report> {
	let latest = await report(base);
	for (let i = 0; i < 50 && !ready(latest); i++) {
		await sleep(200);
		latest = await report(base);
	}
	return latest;
}

/** POSTs a form from the app's own origin (SvelteKit refuses cross-site form posts); the status. */
export async function postForm(base: string, path: string, body = ''): Promise<number> {
	const response = await fetch(base + path, {
		method: 'POST',
		headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded' },
		body
	});
	await response.arrayBuffer();
	return response.status;
}

/** A client that leaves half-way through a streamed response, as a closed tab does. */
export function leaveEarly(base: string, path: string): Promise<void> {
	return new Promise((resolve) => {
		const request = http.get(base + path, (response) => response.once('data', () => (request.destroy(), resolve())));
		request.on('error', () => resolve());
	});
}
