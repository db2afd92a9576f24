// A tiny leak: one ~300-byte line per request in a module-level Set, far under any byte threshold,
// and a production outage after a few million requests.
const visits = new Set<string>();

export async function load({ params, request }) {
	const agent = request.headers.get('user-agent') ?? 'unknown agent';
	visits.add(`${new Date().toISOString()} visit ${params.id} from ${agent} `.padEnd(300, '.'));
	return { visits: visits.size };
}
