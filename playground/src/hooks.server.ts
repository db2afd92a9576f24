import { makeRecords } from '#lib/lab/payload.ts';
import { requestLog } from '#lib/lab/request-log.ts';

export async function handle({ event, resolve }) {
	if (requestLog.enabled) {
		// The classic: an audit log kept in memory, one entry per request, forever.
		requestLog.entries.push({
			url: event.url.href,
			headers: [...event.request.headers],
			at: Date.now(),
			// A breadcrumb trail, ~4 KB of distinct strings ('x'.repeat(n) would be a few shared cons-strings).
			trail: Array.from({ length: 64 }, (_, i) => `${event.url.pathname}#${i}:${Date.now()}`)
		});
	}
	if (event.url.pathname.startsWith('/lab/locals/')) {
		event.locals.scratch = makeRecords(event.url.pathname);
	}
	return resolve(event);
}
