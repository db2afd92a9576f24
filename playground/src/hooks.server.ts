import { makeRecords } from '#lib/lab/payload.ts';
import { requestLog } from '#lib/lab/request-log.ts';

export async function handle({ event, resolve }) {
	if (requestLog.enabled) {
		// The classic: an audit log kept in memory, one entry per request, forever.
		requestLog.entries.push({
			url: event.url.href,
			headers: [...event.request.headers],
			at: Date.now(),
			...{ padding: 'x'.repeat(4096) + event.url.pathname }
		});
	}
	if (event.url.pathname.startsWith('/lab/locals/')) {
		event.locals.scratch = makeRecords(event.url.pathname);
	}
	return resolve(event);
}
