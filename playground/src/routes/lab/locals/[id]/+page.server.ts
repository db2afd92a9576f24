import { summarize } from '#lib/lab/payload.ts';

// hooks.server handle puts per-request data on event.locals; it dies with the request.
export async function load({ locals }) {
	return summarize(locals.scratch ?? []);
}
