import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgroundDir, startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { get, reportWhen } from '../../../../scripts/lib/traffic.ts';
import { describeHandle } from '@heapwatch/core';
import type { Report } from '../../src/index.ts';

// One route opens every kind of native handle inside one request: it used to kill the dev server
// (SIGSEGV, exit 139) as soon as a TCP socket was opened, because the async hook read the socket's fd
// while Node was still building it.
const ROUTE = '/lab/every-handle';
const FILE = 'src/routes/lab/every-handle/+server.ts';
const ROUNDS = 4;
/** Left open by every request: each must be reported at its line. */
const LEFT = ['TCPServer', 'TCP', 'UDP', 'PipeServer', 'Pipe', 'ChildProcess', 'FSWatcher', 'FileHandle', 'MessagePort', 'Worker'];
/** Opened and closed (or finished by themselves) before the response: none may be reported. */
const GONE = [...LEFT.map((kind) => `closed: ${kind}`), 'finished: fetch', 'finished: DNS'];

const source = readFileSync(path.join(playgroundDir, FILE), 'utf8').split('\n');
/** The 1-based line of the route that ends with `// marker`. */
const lineOf = (marker: string) => {
	const index = source.findIndex((line) => line.endsWith(`// ${marker}`));
	if (index < 0) throw new Error(`${FILE} has no line ending with "// ${marker}"`);
	return index + 1;
};

let server: DevServer;
/** The status of each request to the route, or the error that ended it (a crashed server refuses). */
const statuses: Array<number | string> = [];
let final: Report;
const route = (r: Report) => r.routes.find((entry) => entry.id === ROUTE);

beforeAll(async () => {
	server = await startDevServer();
	for (let round = 0; round < ROUNDS; round++) {
		statuses.push(await get(server.url, ROUTE).catch((error: Error & { cause?: { code?: string } }) => error.cause?.code ?? String(error)));
	}
	if (statuses.every((status) => status === 200)) final = await reportWhen(server.url, (r) => route(r)?.handles === ROUNDS * LEFT.length);
});

afterAll(async () => {
	// The lingering child processes, workers and sockets would otherwise outlive a killed server.
	await get(server?.url ?? '', `${ROUTE}?close=1`).catch(() => {});
	await server?.stop();
});

describe('a request that opens every kind of native handle, on a real dev server', () => {
	it('does not crash the dev server: every request is answered, and so is the next one', async () => {
		expect(statuses, server.output()).toEqual(Array(ROUNDS).fill(200));
		expect(await get(server.url, '/api/items/1')).toBe(200);
	});

	it('reports each kind left open, at the route line that opened it', () => {
		const expected = LEFT.map((type) => ({ type, file: FILE, line: lineOf(`left: ${type}`), count: ROUNDS }));
		const sites = route(final)!.handleSites;
		expect([...sites].sort((a, b) => a.line - b.line)).toEqual(expected);
		expect(route(final)).toMatchObject({ handles: ROUNDS * LEFT.length, handlesPerRequest: LEFT.length, handleVerdict: 'leak' });
	});

	it('reports nothing that was closed before the response, nor a fetch whose body was read, nor a DNS lookup', () => {
		const reported = new Set(route(final)!.handleSites.map((site) => site.line));
		for (const marker of GONE) expect(reported.has(lineOf(marker)), marker).toBe(false);
		for (const r of final.routes) for (const site of r.handleSites) expect(site.file).toBe(FILE);
	});

	it('warns once in the terminal, naming the kinds and lines', () => {
		const output = server.output();
		const start = output.indexOf(`[heapwatch] ${ROUTE} leaves ~`);
		expect(start, output).toBeGreaterThanOrEqual(0);
		expect(output.indexOf(`[heapwatch] ${ROUTE} leaves ~`, start + 1)).toBe(-1);
		const printed = output
			.slice(start)
			.split('\n')
			.slice(1)
			.filter((line) => line.includes(' created at '));
		// It names the first five sites, each by its kind and the line that opened it.
		const kindAt = new Map(LEFT.map((type) => [lineOf(`left: ${type}`), describeHandle({ type })]));
		expect(printed.length).toBe(5);
		for (const line of printed) {
			const [, kind, file, at] = / {2}\d+ x (.+) created at (.+):(\d+)$/.exec(line) ?? [];
			expect({ kind, file }, line).toEqual({ kind: kindAt.get(Number(at)), file: FILE });
		}
	});

	it('clears the route once what it left open is closed', async () => {
		const response = await fetch(`${server.url}${ROUTE}?close=1`);
		// One closer per kind left open.
		expect(await response.json()).toEqual({ closed: ROUNDS * LEFT.length });
		const after = await reportWhen(server.url, (r) => route(r)?.handles === 0);
		expect(route(after)).toMatchObject({ handles: 0, handleSites: [], handleVerdict: 'ok' });
		expect(server.output()).toContain(`[heapwatch] ${ROUTE} has no lingering handles left.`);
	});
});
