import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { rememberToken } from './traffic.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const playgroundDir = path.join(repoRoot, 'playground');

/** The 1-based line of a playground file that first contains `text`: what heapwatch must name, found so that edits and formatting move it along. */
export const playgroundLineOf = (file: string, text: string) =>
	readFileSync(path.join(playgroundDir, file), 'utf8')
		.split('\n')
		.findIndex((line) => line.includes(text)) + 1;

export interface DevServer {
	url: string;
	/** The token heapwatch's endpoints want, from the line it prints at start; undefined without heapwatch. */
	token: string | undefined;
	/** Everything the server printed so far, ANSI colours stripped. */
	output(): string;
	/** The lines printed so far that contain every one of `parts`: how tests count a message (said once, or n times). */
	linesWith(...parts: string[]): string[];
	stop(): Promise<void>;
}

async function freePort(): Promise<number> {
	const server = createServer().listen(0, '127.0.0.1');
	await once(server, 'listening');
	const { port } = server.address() as { port: number };
	server.close();
	return port;
}

/**
 * Starts `vite dev` (or `vite preview`) in a child process, as a user would, so that the heap it measures holds the dev
 * server and nothing of the caller's. Resolves once the server answers HTTP.
 */
export async function startDevServer(
	options: {
		cwd?: string;
		args?: string[];
		env?: Record<string, string>;
		command?: 'dev' | 'preview';
		node?: string;
		nodeArgs?: string[];
		/** Vite in middlewareMode behind a node:http server of its own (middleware-mode-server.ts) instead of `vite dev`. */
		middlewareMode?: boolean;
	} = {}
): Promise<DevServer> {
	const cwd = options.cwd ?? playgroundDir;
	const port = await freePort();
	const vite = options.middlewareMode
		? path.join(repoRoot, 'scripts', 'lib', 'middleware-mode-server.ts')
		: path.join(cwd, 'node_modules', 'vite', 'bin', 'vite.js');
	const child = spawn(
		options.node ?? process.execPath,
		[...(options.nodeArgs ?? []), vite, options.command ?? 'dev', '--port', String(port), '--strictPort', '--host', '127.0.0.1', ...(options.args ?? [])],
		{
			cwd,
			env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
			stdio: ['ignore', 'pipe', 'pipe']
		}
	);
	let output = '';
	child.stdout.on('data', (chunk) => (output += stripVTControlCharacters(String(chunk))));
	child.stderr.on('data', (chunk) => (output += stripVTControlCharacters(String(chunk))));
	const exited = once(child, 'exit');
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`vite dev exited with ${child.exitCode}:\n${output}`);
		if (Date.now() > deadline) {
			child.kill();
			throw new Error(`vite dev did not answer on ${url} within 30 s:\n${output}`);
		}
		try {
			await fetch(`${url}/__heapwatch/report.json`);
			break;
		} catch {
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	}
	// heapwatch prints its token before Vite listens; Vite's own "Local:" line comes after it.
	let token: string | undefined;
	for (const until = Date.now() + 2000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 20))) {
		token = /report\.json\?token=([\w-]+)/.exec(output)?.[1];
		if (token || output.includes('Local:')) break;
	}
	if (token) rememberToken(url, token);
	return {
		url,
		token,
		output: () => output,
		linesWith: (...parts) => output.split('\n').filter((line) => parts.every((part) => line.includes(part))),
		async stop() {
			if (child.exitCode === null) {
				child.kill('SIGTERM');
				const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
				await exited;
				clearTimeout(timer);
			}
		}
	};
}
