import {
	countsListeners,
	describeHandle,
	formatBytes,
	RETAINERS_PATH,
	routeLabel,
	type FindingReport,
	type HandleSite,
	type KeptBy,
	type LongPause,
	type RouteReport,
	type SourceLocation,
	type StaleHandleSite,
	type UnplacedReport
} from '@heapwatch/core';

const name = (route: RouteReport) => routeLabel(route.id);

/** The one warning a route gets when it turns `leak`: what, where, how much, what to do. */
export function formatLeak(route: RouteReport): string {
	const keeper = route.keptBy?.[0];
	// Leaks by count (the entry-count rule) can be far too small to weigh: say what grows instead.
	const byCount = keeper?.unbounded && route.retainedBytesPerRequest < 1024;
	const lines = [
		byCount
			? `${name(route)} adds to a module-level ${keeper.kind} on every request and it never shrinks: a leak however small (${
					// Counting can come before the first estimate: then there is no size to give yet. The estimate
					// weighs what the route's own files allocate: a remote function's cache or kept fetch bodies are
					// built in Kit and undici, so a 15-20 KB leak read ~0 B (bench:detect) and must not be called small.
					route.estimateRequests > 0
						? `~${formatBytes(Math.max(0, route.retainedBytesPerRequest))} per request after GC, of what its own files allocate; the entries may hold more, built elsewhere`
						: 'its size per request is not measured yet'
				}).`
			: `${name(route)} retains ~${formatBytes(route.retainedBytesPerRequest)} per request (estimated over its last ${route.estimateRequests} requests, after GC).`
	];
	// The variable that keeps it comes first: that is where the fix goes; where it is built, after.
	if (keeper) lines.push(keptByLine(keeper));
	if (route.file) lines.push(`  route file: ${route.file}`);
	if (route.sources[0]) lines.push(allocatedIn(route.sources[0]));
	if (clientsMostlyLeft(route)) {
		lines.push(
			`  ${route.abortedRequests} of its ${route.requests} requests ended with the client gone before the response did: what a response still waits for when its client leaves stays, such as a promise load streams that never settles. Give every streamed promise a deadline, or end the stream in its cancel().`
		);
	}
	if (route.externalBytesPerRequest > route.retainedBytesPerRequest / 2) {
		lines.push(`  Most of it is outside the JS heap (${formatBytes(route.externalBytesPerRequest)}): Buffers or ArrayBuffers kept alive.`);
	}
	if (keeper) lines.push('  Bound it (evict old entries, remove listeners) or key it by something that does not grow with traffic.');
	else if (route.keptBy)
		lines.push(
			`  Nothing at module scope grows with it: the memory is kept elsewhere (a library, a closure, a store). Ask why: GET /${RETAINERS_PATH}?route=${encodeURIComponent(route.id ?? '')} (with the token printed at start)`
		);
	else lines.push('  Something keeps memory after each response: a module-level cache, array, Map, store or listener that grows with traffic.');
	return lines.join('\n');
}

/** `kept by Map "cache" (+1 entry per request, 412 now) at src/routes/products/[id]/+page.server.ts:3` */
export function keptByLine(keeper: KeptBy): string {
	const unit = countsListeners(keeper) ? 'listener' : 'entry';
	const units = countsListeners(keeper) ? 'listeners' : 'entries';
	const rate = keeper.entriesPerRequest >= 0.95 ? Math.round(keeper.entriesPerRequest) : keeper.entriesPerRequest.toFixed(2);
	return `  kept by ${keeper.kind} "${keeper.name}" (+${rate} ${rate === 1 ? unit : units} per request, ${keeper.entries} now) at ${keeper.file}:${keeper.line}`;
}

function allocatedIn(source: SourceLocation): string {
	const where = source.function ? `${source.function}, ${source.file}:${source.line}` : `${source.file}:${source.line}`;
	return `  allocated in ${where}${source.bytesPerRequest ? ` (~${formatBytes(source.bytesPerRequest)} per request)` : ''}`;
}

const SHARED_RUNS_UNDER = {
	hooks: 'every request',
	layout: 'every route under this layout',
	'shared-state': 'every request',
	instrumentation: 'every request'
};

/** Code that runs under many routes keeps memory: one warning on its own file, not one per route. */
export function formatFinding(finding: FindingReport): string {
	if (finding.kind === 'shared-state') return formatSharedState(finding);
	const lines = [
		`${finding.file} retains ~${formatBytes(finding.retainedBytesPerRequest)} per request, on ${SHARED_RUNS_UNDER[finding.kind]} (estimated over the last ${finding.estimateRequests} requests, after GC).`
	];
	if (finding.keptBy?.[0]) lines.push(keptByLine(finding.keptBy[0]));
	if (finding.sources[0]) lines.push(allocatedIn(finding.sources[0]));
	if (finding.kind === 'instrumentation') {
		lines.push(
			`  It is loaded before the app and runs for every request (with the modules and packages it imports), so no route is blamed: look for what it sets up that keeps each request's data, such as an exporter that never calls its result callback, or a queue of spans or metrics.`
		);
	} else lines.push(`  It runs for ${SHARED_RUNS_UNDER[finding.kind]}, so the routes themselves are not blamed: look for a log, list or cache it appends to.`);
	return lines.join('\n');
}

/** A module-level binding that requests reassign: a security bug (users see each other's data), not a memory one. */
export function formatSharedState(finding: FindingReport): string {
	const binding = finding.binding!;
	const routes = binding.writtenBy.length > 0 ? binding.writtenBy.join(', ') : 'several routes';
	return `state shared across requests: "${binding.name}" in ${finding.file}:${binding.line} is set by requests to ${routes}; concurrent users can see each other's value. Keep per-request data in event.locals.`;
}

export function formatFindingCleared(finding: FindingReport): string {
	if (finding.kind === 'shared-state') return `"${finding.binding?.name}" in ${finding.file} was replaced by an edit: no longer watched as shared state.`;
	return `${finding.file} no longer grows: ~${formatBytes(finding.retainedBytesPerRequest)} per request over the last ${finding.estimateRequests} requests.`;
}

/** Growth nothing places, stated once: never a route's, so none is blamed. */
export function formatUnplaced(unplaced: UnplacedReport): string {
	return [
		`the heap grows ~${formatBytes(unplaced.bytesPerRequest)} per request that heapwatch cannot place yet (estimated over the last ${unplaced.requests} requests of every route, after GC).`,
		`  No route, hooks, layout or instrumentation file is on the stacks that allocated it, so no route is blamed: memory outside the JS heap, a library's or the dev server's own cache, or what a request allocates asynchronously (heapwatch({ attributeAsyncAllocations: true }) places that on its route). A route warned about with "kept by" may be what holds it.`
	].join('\n');
}

export function formatUnplacedCleared(unplaced: UnplacedReport): string {
	return `the heap no longer grows by memory heapwatch cannot place: ~${formatBytes(unplaced.bytesPerRequest)} per request over the last ${unplaced.requests} requests of every route.`;
}

export function formatCleared(route: RouteReport): string {
	return `${name(route)} no longer grows: ~${formatBytes(route.retainedBytesPerRequest)} per request over its last ${route.estimateRequests} requests.`;
}

/** A site in node_modules: the library opened it in a callback of its own, with no app line on the stack (see findCreationSite). */
const inLibrary = (site: HandleSite) => site.file.startsWith('node_modules/');
const LIBRARY_SITE =
	'  A site in node_modules was opened by that library after your code had returned (in a callback), during requests to this route: look for the client or connection the route creates per request and never closes or quits.';

const siteLines = (sites: HandleSite[]) => sites.slice(0, 5).map((site) => `  ${site.count} x ${describeHandle(site)} created at ${site.file}:${site.line}`);

const TIMER_NAMES: Record<string, string> = { Interval: 'interval', Timeout: 'timer' };

/** Most of the route's requests ended with the client gone before the response: a stream, a long poll, a page whose streamed data never came. */
const clientsMostlyLeft = ({ abortedRequests = 0, requests }: RouteReport) => abortedRequests > 0 && abortedRequests * 2 >= requests;

/**
 * Most of the route's requests ended with the client gone before the response did: a streamed
 * response (SSE, a long poll) whose timers outlive it once the reader leaves. Named as such, with
 * the fix: a ReadableStream's cancel() is what runs when the client goes away.
 */
function clientsLeftLines(route: RouteReport): string[] {
	if (!clientsMostlyLeft(route)) return [];
	return route.handleSites
		.filter((site) => TIMER_NAMES[site.type] && !inLibrary(site))
		.slice(0, 3)
		.map(
			(site) =>
				`  the stream's ${TIMER_NAMES[site.type]} created at ${site.file}:${site.line} is still running after the client left: clear it in the stream's cancel().`
		);
}

/** The one warning a route gets when its requests keep leaving timers or handles alive. */
export function formatHandleLeak(route: RouteReport): string {
	const perRequest = route.handlesPerRequest >= 10 ? Math.round(route.handlesPerRequest) : route.handlesPerRequest.toFixed(1);
	const clientsLeft = clientsLeftLines(route);
	return [
		`${name(route)} leaves ~${perRequest} live handle(s) per request after its response (${route.handles} alive now):`,
		...siteLines(route.handleSites),
		...clientsLeft,
		...(route.handleSites.some(inLibrary) ? [LIBRARY_SITE] : []),
		clientsLeft.length > 0
			? '  Each one keeps running and keeps its stream and what its callback references, for as long as the server runs.'
			: '  Each one keeps running and keeps what its callback references: clear timers (clearInterval/clearTimeout) and close sockets and files before the response ends, or keep one module-level instance.'
	].join('\n');
}

export function formatHandlesCleared(route: RouteReport): string {
	return `${name(route)} has no lingering handles left.`;
}

/** After an HMR edit: timers and handles of the replaced module instances still run. */
export function formatStaleHandles(sites: StaleHandleSite[]): string {
	const total = sites.reduce((sum, site) => sum + site.count, 0);
	return [
		`${total} handle(s) created by server modules that your edit replaced are still alive (Vite and SvelteKit never dispose old module instances):`,
		...siteLines(sites),
		'  They run until the dev server process exits (r + enter restarts Vite inside the same process: stop it and start it again). Keep a module-level timer on globalThis, created once, so that edits reuse it.'
	].join('\n');
}

/**
 * Said once, when the heap grows too big for a forced GC to be quick: why verdicts now take longer
 * (idle-sampler.ts: a GC over the pause cap waits for a quiet spell).
 */
export function formatLongGc({ liveHeapBytes, predictedMs, quietMs }: LongPause): string {
	return `the live heap is ~${formatBytes(liveHeapBytes, { digits: 0 })}, and a full GC of it would block ~${Math.round(predictedMs)} ms: heapwatch now forces one only after ${quietMs / 1000} s without requests, and measures at V8's own GCs meanwhile. Verdicts come after such a pause in browsing; under traffic that never pauses, routes stay "warming".`;
}
