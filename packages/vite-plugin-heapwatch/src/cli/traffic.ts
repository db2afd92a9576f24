import { REPORT_PATH, TOKEN_HEADER, type Report } from '@heapwatch/core';
import type { CheckRoute } from '../options.ts';
import { REMOTE_ARG, remoteArg } from '../routes/remote-functions.ts';

/** A fresh value for `{n}` on every request: parameterised caches only grow when the parameter varies. */
let counter = 0;
const prefix = Date.now().toString(36);
export const freshValue = () => `${prefix}${(counter++).toString(36)}`;

/** Sends one request of a target, `{n}` replaced in its URL and body, and reads the whole response. */
export async function send(base: string, target: CheckRoute): Promise<number> {
	const n = freshValue();
	const url = base + target.url.replaceAll(REMOTE_ARG, remoteArg(n)).replaceAll('{n}', n);
	const headers: Record<string, string> = { accept: 'text/html,application/json;q=0.9,*/*;q=0.8' };
	let body: string | undefined;
	if (target.body !== undefined) {
		if (typeof target.body === 'string') {
			body = target.body.replaceAll('{n}', n);
			headers['content-type'] = /^\s*[[{]/.test(body) ? 'application/json' : 'application/x-www-form-urlencoded';
		} else {
			const fields = Object.entries(target.body).map(([key, value]) => [key, String(value).replaceAll('{n}', n)]);
			body = new URLSearchParams(fields).toString();
			headers['content-type'] = 'application/x-www-form-urlencoded';
		}
		// SvelteKit rejects cross-site form posts; a same-origin request says where it comes from.
		headers.origin = new URL(base).origin;
	}
	const response = await fetch(url, { method: target.method ?? 'GET', headers, body, redirect: 'manual' });
	await response.arrayBuffer();
	return response.status;
}

/** The dev server the check runs: where it answers, and the token its endpoints want (see PluginApi). */
export interface CheckedServer {
	url: string;
	token: string;
}

export async function fetchReport({ url: base, token }: CheckedServer): Promise<Report> {
	const response = await fetch(`${base}/${REPORT_PATH}`, { headers: { [TOKEN_HEADER]: token } });
	if (!response.ok) throw new Error(`GET ${base}/${REPORT_PATH} answered ${response.status}`);
	return (await response.json()) as Report;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
