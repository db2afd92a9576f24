import pg from 'pg';
import { embeddedPostgresUrl } from './embedded-postgres.ts';

/** Clients per pool: small, so that a route that never releases its client runs its pool dry in five requests. */
export const POOL_MAX = 5;
/** How long `pool.connect()` waits for a free client before it fails: an exhausted pool answers fast instead of hanging. */
export const CONNECT_TIMEOUT_MS = 1000;

/**
 * One pool per lab route and module instance, as an app keeps one per process. Each route of the pair has
 * its own so that the leaky one running dry does not take its clean twin down with it (in a real app
 * sharing one pool, every route that queries the database would then time out).
 */
const pools = new Map<string, Promise<pg.Pool>>();

/** The pool for `name`, connected to DATABASE_URL when set, else to the embedded PGlite server. */
export function labPool(name: string): Promise<pg.Pool> {
	let pool = pools.get(name);
	if (!pool) {
		pool = connectionString().then(
			(url) =>
				new pg.Pool({
					connectionString: url,
					max: POOL_MAX,
					connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
					// Idle clients and their timers are unref'd: a released client is not a live handle.
					allowExitOnIdle: true
				})
		);
		pool.catch(() => pools.delete(name));
		pools.set(name, pool);
	}
	return pool;
}

function connectionString(): Promise<string> {
	const url = process.env.DATABASE_URL;
	return url ? Promise.resolve(url) : embeddedPostgresUrl();
}

/** What the lab pages show of a pool. */
export function poolStats(pool: pg.Pool) {
	return {
		checkedOut: pool.totalCount - pool.idleCount,
		idle: pool.idleCount,
		waiting: pool.waitingCount,
		max: POOL_MAX,
		server: process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PGlite'
	};
}

/**
 * Why `pool.connect()` failed, for the page: pg-pool's own message ("timeout exceeded when trying to
 * connect") does not say that the pool is the problem.
 */
export function checkoutError(pool: pg.Pool, error: unknown): string {
	const message = (error as Error).message;
	if (pool.totalCount >= POOL_MAX && pool.idleCount === 0) {
		return `The pg pool ran dry: all ${POOL_MAX} clients are checked out and none was released, so pool.connect() gave up after ${CONNECT_TIMEOUT_MS} ms (${message}). Restart the dev server to get them back.`;
	}
	return `pool.connect() failed: ${message}. Is the database at DATABASE_URL running?`;
}
