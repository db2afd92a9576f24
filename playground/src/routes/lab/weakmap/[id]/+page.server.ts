import { makeRecords, summarize } from '#lib/lab/payload.ts';

// Keyed by the request object: the entry goes when the request does.
const perRequest = new WeakMap<Request, ReturnType<typeof makeRecords>>();

export async function load({ params, request }) {
	perRequest.set(request, makeRecords(params.id));
	return summarize(perRequest.get(request)!);
}
