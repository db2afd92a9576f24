import type { Connect } from 'vite';
import { REPORT_PATH, type Report } from '@heapwatch/core';

/** `GET {base}__heapwatch/report.json`: the current state of every route, as JSON. */
export function createReportMiddleware(base: string, report: () => Report): Connect.NextHandleFunction {
	const paths = new Set([`${base}${REPORT_PATH}`, `/${REPORT_PATH}`]);
	return function heapwatchReportMiddleware(req, res, next) {
		const pathname = (req.originalUrl ?? req.url ?? '').split('?')[0];
		if (!paths.has(pathname)) return next();
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.writeHead(405, { allow: 'GET, HEAD' }).end();
			return;
		}
		const body = JSON.stringify(report(), null, 2);
		res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
		res.end(req.method === 'HEAD' ? undefined : body);
	};
}
