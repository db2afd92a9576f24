import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A real service a test started, and how to stop it. */
export interface RedisServer {
	url: string;
	port: number;
	/** One line per client connection, as `CLIENT LIST` prints them. */
	clients(): string[];
	stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1, for a service that cannot pick its own (port 0 turns Redis' TCP off). */
export async function freePort(): Promise<number> {
	const server = createServer().listen(0, '127.0.0.1');
	await once(server, 'listening');
	const { port } = server.address() as { port: number };
	server.close();
	return port;
}

/** Why Redis cannot be started here, or null when `redis-server` is installed. */
export function redisMissing(): string | null {
	const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
	return found.error || found.status !== 0 ? 'redis-server is not installed (Debian: apt-get install -y redis-server; .ci/run installs it)' : null;
}

/**
 * Starts Debian's `redis-server` on a free port, daemonized, with no persistence; resolves once it
 * answers PING. `stop()` ends it by the PID it wrote, and removes its directory.
 */
export async function startRedis(): Promise<RedisServer> {
	const port = await freePort();
	const dir = mkdtempSync(path.join(os.tmpdir(), 'heapwatch-redis-'));
	const pidfile = path.join(dir, 'redis.pid');
	execFileSync('redis-server', [
		'--port',
		String(port),
		'--bind',
		'127.0.0.1',
		'--daemonize',
		'yes',
		'--pidfile',
		pidfile,
		'--dir',
		dir,
		'--save',
		'',
		'--appendonly',
		'no',
		'--logfile',
		path.join(dir, 'redis.log')
	]);
	const deadline = Date.now() + 10_000;
	while (!(await answersPing(port))) {
		if (Date.now() > deadline) throw new Error(`redis-server did not answer on 127.0.0.1:${port} within 10 s; its log: ${path.join(dir, 'redis.log')}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	const pid = Number(readFileSync(pidfile, 'utf8'));
	return {
		url: `redis://127.0.0.1:${port}`,
		port,
		clients: () =>
			execFileSync('redis-cli', ['-p', String(port), 'CLIENT', 'LIST'], { encoding: 'utf8' })
				.trim()
				.split('\n')
				.filter(Boolean),
		async stop() {
			try {
				process.kill(pid, 'SIGTERM');
				for (let i = 0; i < 100 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
			} finally {
				rmSync(dir, { recursive: true, force: true });
			}
		}
	};
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Whether a Redis server answers PING on the port (a raw inline command: no client library needed). */
function answersPing(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1');
		socket.setTimeout(1000);
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (data) => {
			socket.destroy();
			resolve(String(data).startsWith('+PONG'));
		});
		socket.once('error', () => resolve(false));
		socket.once('timeout', () => {
			socket.destroy();
			resolve(false);
		});
	});
}
