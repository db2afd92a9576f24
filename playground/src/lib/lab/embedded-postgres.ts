import type { Server } from 'node:net';

/**
 * The playground's default Postgres: PGlite (Postgres compiled to WASM, in memory) behind its wire-protocol
 * server, on a real TCP socket on 127.0.0.1, so that `pg` talks to it as to any server. Nothing to install,
 * and nothing is loaded until a lab route asks for a database: `pnpm dev` starts as fast as before.
 *
 * It is not small: starting it took 3-5 s and added ~250 MB of external (WASM) memory and ~450 MB of RSS
 * (Node 24.21, PGlite 0.5.17, measured on a busy 2-core machine). So it is one per process, kept on
 * globalThis: an HMR edit evaluates this module again and must not start a second one.
 */
const KEY = Symbol.for('playground.embeddedPostgres');
const shared = globalThis as { [KEY]?: Promise<string> };

/**
 * pglite-socket accepts one connection unless told otherwise (a second `pg` client gets a raw "Too many
 * connections" and a closed socket). Its queries run one at a time through one queue, but idle connections
 * cost nothing: room for the lab's pools (5 clients each) across a few HMR edits.
 */
const MAX_CONNECTIONS = 100;

/** The connection string of the embedded server, started on first call. */
export function embeddedPostgresUrl(): Promise<string> {
	shared[KEY] ??= start().catch((error: unknown) => {
		delete shared[KEY];
		throw new Error(`The embedded Postgres (PGlite) did not start: ${(error as Error).message}. Set DATABASE_URL to use a real server instead.`, {
			cause: error
		});
	});
	return shared[KEY];
}

async function start(): Promise<string> {
	const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite-socket')]);
	const db = await PGlite.create();
	const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: MAX_CONNECTIONS });
	await server.start();
	// The listening socket must not keep the dev server alive, nor count as a handle left by the request
	// that happened to start it. pglite-socket has no unref() of its own.
	(server as unknown as { server: Server | null }).server?.unref();
	// PGlite has one user and no password; `pg` sends whatever the URL says and the server accepts it.
	return `postgres://postgres@${server.getServerConn()}/postgres`;
}
