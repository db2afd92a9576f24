import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// What /lab/every-handle left open, across requests, until `?close=1`: they stay ref'd so that they
// count, and the dev server can still be stopped cleanly once they are closed.
const closers: Array<() => unknown> = [];
let directory: string | undefined;
let sockets = 0;

/** Remembers how to close something a request leaves open on purpose. */
export function leave(close: () => unknown): void {
	closers.push(close);
}

/** Closes everything left open so far; how many there were. */
export async function closeAll(): Promise<number> {
	const pending = closers.splice(0);
	await Promise.all(pending.map((close) => close()));
	if (directory) rmSync(directory, { recursive: true, force: true });
	directory = undefined;
	return pending.length;
}

/** A scratch directory for the lab's watchers, files and Unix sockets, removed by closeAll(). */
export function scratch(): string {
	directory ??= mkdtempSync(path.join(os.tmpdir(), 'heapwatch-every-handle-'));
	return directory;
}

/** A Unix socket path no other request uses (short: such paths are limited to ~100 bytes). */
export function socketPath(): string {
	return path.join(scratch(), `${sockets++}.sock`);
}
