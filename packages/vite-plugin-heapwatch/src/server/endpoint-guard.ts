import type { ServerResponse } from 'node:http';
import type { Connect, ViteDevServer } from 'vite';
import { OWN_PREFIX, REPORT_PATH, TOKEN_HEADER } from '@heapwatch/core';
import type { Log } from '../log.ts';
import { originPolicy, originRefusal, tokenRefusal } from './access.ts';

/** `{base}__heapwatch/...`, before any query string: every endpoint of ours. */
export const OWN_PATH = new RegExp(`^[^?]*/${OWN_PREFIX}`);

/**
 * One guard in front of every `/__heapwatch/` endpoint (report.json, retainer captures, snapshot
 * downloads, the overlay's event stream): a request another site's page makes gets 403, one without
 * this process's token 401, and nothing runs. A refusal carries no CORS header (Vite's, which allows
 * any localhost origin by default, is taken off), so the refused page cannot read it either.
 */
export function createEndpointGuard(server: ViteDevServer, log: Log): Connect.NextHandleFunction {
	const policy = originPolicy(server, true);
	return function heapwatchEndpointGuard(req, res, next) {
		if (!OWN_PATH.test(req.originalUrl ?? req.url ?? '')) return next();
		const refusal = originRefusal(req, policy);
		if (refusal) {
			log.once(
				`refused:${refusal.detail}`,
				'warn',
				`refused a request to ${req.method} /__heapwatch/ from ${refusal.detail}: only pages of this dev server may use heapwatch's endpoints.`
			);
			return refuse(res, 403, 'heapwatch’s endpoints answer only pages of this dev server, and tools that send no Origin (curl, heapwatch check).');
		}
		if (tokenRefusal(req)) return refuse(res, 401, NO_TOKEN);
		next();
	};
}

const CORS_HEADERS = ['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-expose-headers'];

const NO_TOKEN = `heapwatch’s endpoints need this dev server’s token: its terminal printed it at start ("measuring server memory per route: /${REPORT_PATH}?token=..."). Send it as ?token= or in an ${TOKEN_HEADER} header.`;

function refuse(res: ServerResponse, status: number, error: string): void {
	// Vite's CORS middleware runs before ours and by default allows any localhost origin: it has set its
	// headers already, and a refusal must not be readable by the page that was refused.
	for (const header of CORS_HEADERS) res.removeHeader(header);
	res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
	res.end(JSON.stringify({ error }));
}
