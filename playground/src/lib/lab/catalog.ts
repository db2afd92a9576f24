/** The leak lab: one route per leak pattern of the article, each beside a clean look-alike. */
export interface LabEntry {
	title: string;
	/** A link that exercises the route; `{n}` is replaced by a fresh parameter. */
	href: string;
	/** What heapwatch should say about its heap: `handles` leaks timers or sockets, not memory; `switch` only when switched on. */
	leaks: boolean | 'handles' | 'switch';
	what: string;
}

export const lab: LabEntry[] = [
	{ title: 'Unbounded module cache', href: '/lab/unbounded-cache/{n}', leaks: true, what: 'A module-level object keyed by params.id that only grows.' },
	{ title: 'Small unbounded cache', href: '/lab/small-cache/{n}', leaks: true, what: 'The same mistake with small entries: about 4.5 KB per new id.' },
	{
		title: 'Cache in a #lib helper',
		href: '/lab/lib-cache/{n}',
		leaks: true,
		what: 'A helper in src/lib memoizes every id it is asked for: the route leaks, its own file keeps nothing.'
	},
	{ title: 'Slow drip', href: '/lab/drip/{n}', leaks: true, what: 'A borderline leak: about 3 KB per new id, near the 2 KB threshold.' },
	{ title: 'Map of promises', href: '/lab/promise-map/{n}', leaks: true, what: 'In-flight de-duplication that never deletes settled promises.' },
	{ title: 'setInterval in load', href: '/lab/interval/{n}', leaks: 'handles', what: 'Starts a polling interval on every request and never clears it.' },
	{
		title: 'Hour-long setTimeout',
		href: '/lab/long-timeout/{n}',
		leaks: 'handles',
		what: 'Schedules a cleanup an hour away on every request; each timer holds its data until then.'
	},
	{ title: 'Global store', href: '/lab/global-store/{n}', leaks: true, what: 'A module-level writable store that every request appends to.' },
	{
		title: 'Request log in handle',
		href: '/lab/request-log',
		leaks: 'switch',
		what: 'hooks.server handle pushes every request into an array (switch it on here).'
	},
	{ title: 'Listeners never removed', href: '/lab/listeners/{n}', leaks: true, what: 'Adds a listener to a module-level emitter per request.' },
	{ title: 'Pool connection never released', href: '/lab/pool/{n}', leaks: true, what: 'Acquires a connection from a pool and forgets to release it.' },
	{ title: 'Buffer cache', href: '/lab/buffer-cache/{n}', leaks: true, what: 'Keeps a Buffer per id: the growth is outside the JS heap.' },
	{ title: 'LRU-bounded cache', href: '/lab/lru-cache/{n}', leaks: false, what: 'A cache of at most 16 entries: fills, then stays flat.' },
	{
		title: 'LRU of 25 entries',
		href: '/lab/lru-25/{n}',
		leaks: false,
		what: 'At most 25 entries of ~20 KB: fills, then stays flat. Never flagged, not even while it fills.'
	},
	{
		title: 'Unbounded cache of the same values',
		href: '/lab/unbounded-20k/{n}',
		leaks: true,
		what: 'The values of the 25-entry LRU, kept with no bound: kept by Map "byId".'
	},
	{
		title: 'Visit log in a Set',
		href: '/lab/visit-log/{n}',
		leaks: true,
		what: 'One ~300-byte line per request: too small to weigh, flagged by its entry count.'
	},
	{ title: 'Memo over 5 keys', href: '/lab/locale-memo/{n}', leaks: false, what: 'One ~17 KB table per locale, five locales: fills once.' },
	{
		title: 'Module-level current user',
		href: '/lab/shared-user/{n}',
		leaks: false,
		what: 'let currentUser set in load: concurrent users see each other (a shared-state finding).'
	},
	{ title: 'User in event.locals', href: '/lab/user-locals/{n}', leaks: false, what: 'The same user kept per request in event.locals.' },
	{
		title: 'Module-level session object',
		href: '/lab/shared-session/{n}',
		leaks: false,
		what: 'session.user set from the cookie in load: the same bug through an object (a shared-state finding).'
	},
	{ title: 'Hit counter', href: '/lab/hit-counter', leaks: false, what: 'let hits = 0; hits++: a counter, not shared user data.' },
	{
		title: 'Process listener per request',
		href: '/lab/process-listeners/{n}',
		leaks: true,
		what: "process.on('uncaughtException') in load, never removed (kit#13443)."
	},
	{
		title: 'Process listener removed',
		href: '/lab/process-once/{n}',
		leaks: false,
		what: 'The same listener added with once and removed when the request is done.'
	},
	{ title: 'Lazy singleton', href: '/lab/singleton', leaks: false, what: 'Builds a large table once, on the first request.' },
	{ title: 'Big transient allocation', href: '/lab/big-transient/{n}', leaks: false, what: 'Allocates megabytes per request and lets them go.' },
	{ title: 'Cleared timer', href: '/lab/cleared-timer/{n}', leaks: false, what: 'A short interval that clears itself, and an awaited sleep.' },
	{
		title: 'Module-level ticker',
		href: '/lab/ticker',
		leaks: false,
		what: 'One setInterval per module instance; after an HMR edit of src/lib/lab/ticker.ts the old one still runs.'
	},
	{ title: 'Per-request WeakMap', href: '/lab/weakmap/{n}', leaks: false, what: 'Data keyed by the request object in a WeakMap.' },
	{ title: 'Scoped event.locals', href: '/lab/locals/{n}', leaks: false, what: 'Per-request data on event.locals, set in handle.' },
	// Memory kept on behalf of a request with no route file on its stack, and async leaks (issue 13).
	{
		title: 'Remote query cache',
		href: '/lab/remote-cache/{n}',
		leaks: true,
		what: 'A remote function (query in data.remote.ts) memoizes every result in a module Map; the page renders it.'
	},
	{ title: 'Remote query, no cache', href: '/lab/remote-nocache/{n}', leaks: false, what: 'The same remote query without the cache.' },
	{ title: 'Kept event.fetch body', href: '/lab/kept-fetch/{n}', leaks: true, what: 'A +server keeps every body it read through event.fetch (~20 KB each).' },
	{ title: 'event.fetch body dropped', href: '/lab/dropped-fetch/{n}', leaks: false, what: 'The same event.fetch, its body read and dropped.' },
	{
		title: 'Never-settling promise chain',
		href: '/lab/promise-chain/{n}',
		leaks: true,
		what: 'Every request chains onto a module-level promise that never settles; each reaction keeps its records.'
	},
	{ title: 'Settled promise chain', href: '/lab/promise-settled/{n}', leaks: false, what: 'The same chaining onto a promise that has settled.' },
	{
		title: 'Hour-long AbortSignal.timeout',
		href: '/lab/abort-timeout/{n}',
		leaks: true,
		what: 'AbortSignal.timeout(3600000) with an abort listener per request: the listener and its records live an hour.'
	},
	{ title: 'Short AbortSignal.timeout', href: '/lab/abort-timeout-short/{n}', leaks: false, what: 'The same listener on a 50 ms deadline.' },
	{
		title: 'Buffer cache read through a stream',
		href: '/lab/stream-buffer-cache/{n}',
		leaks: true,
		what: 'Reads 64 KB through a Readable per id and keeps the Buffer: growth outside the JS heap.'
	},
	{ title: 'Buffer read through a stream', href: '/lab/stream-buffer-read/{n}', leaks: false, what: 'The same read, the Buffer dropped.' }
];

/**
 * Responses that clients leave before they end (issue 13): driven by opening the response, reading its
 * first chunk and closing the connection, as a closed tab does. Kept apart from `lab`, whose routes are
 * read to the end: these never end, or not soon.
 */
export const clientsLeave: LabEntry[] = [
	{
		title: 'SSE stream without cancel()',
		href: '/lab/sse-no-cancel',
		leaks: 'handles',
		what: 'Server-sent events whose setInterval is never cleared when the client leaves (kit#11751).'
	},
	{ title: 'SSE stream with cancel()', href: '/lab/sse', leaks: false, what: "The same stream, its interval cleared in the stream's cancel()." },
	{
		title: 'Streamed promise that never settles',
		href: '/lab/streamed-forever/{n}',
		leaks: true,
		what: 'load streams a promise chained on a module-level one nothing resolves: the client leaves, the records stay.'
	},
	{ title: 'Streamed promise with a deadline', href: '/lab/streamed-deadline/{n}', leaks: false, what: 'The same wait, given up after 100 ms.' }
];

/**
 * The same mistakes with real components: a Postgres pool (the embedded PGlite server unless DATABASE_URL
 * is set), Redis (REDIS_URL, else 127.0.0.1:6379; 503 when none answers) and a loopback upstream API.
 * Kept apart from `lab`: the benchmarks and load tests drive `lab`, and these need services.
 */
export const realServices: LabEntry[] = [
	{
		title: 'pg client never released',
		href: '/lab/pg-checkout/{n}',
		leaks: 'handles',
		what: 'pool.connect() per request, no release(): the pool of 5 runs dry and later requests fail after 1 s.'
	},
	{ title: 'pg client released', href: '/lab/pg-release/{n}', leaks: false, what: 'The same query with client.release() in finally.' },
	{
		title: 'Redis subscriber never closed',
		href: '/lab/redis-subscriber/{n}',
		leaks: 'handles',
		what: 'A new ioredis connection per request that subscribes and is never quit.'
	},
	{ title: 'Redis subscriber quit', href: '/lab/redis-quit/{n}', leaks: false, what: 'The same subscriber, quit in finally.' },
	{
		title: 'Upstream body never read',
		href: '/lab/upstream-unread/{n}',
		// kit#12670 on older undici; Node 24's cancels the body once the Response is collected.
		leaks: false,
		what: 'fetch() of a 64 KB answer whose body is never read or cancelled: undici holds the socket and the body only until a GC collects the Response, so nothing outlives it (read or cancel it anyway: until then the socket is busy).'
	},
	{ title: 'Upstream body read', href: '/lab/upstream-read/{n}', leaks: false, what: 'The same fetch, body read.' }
];
