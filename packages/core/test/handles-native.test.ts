import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, watch } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { HandleTracker } from '../src/handles/handle-tracker.ts';
import { requestStorage } from '../src/request/request-context.ts';
import { requestContext } from './fixtures/request-context.ts';

// Native handles opened inside a request: the async hook sees them half-built. Reading a new TCP
// socket's fd there killed the process (SIGSEGV) on Node 20 and 24; this file runs on both.

const thisFile = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(thisFile), '..');
const file = 'test/handles-native.test.ts';
const source = readFileSync(thisFile, 'utf8').split('\n');
/** The 1-based line of this file that ends with `// marker`. */
const lineOf = (marker: string) => source.findIndex((line) => line.endsWith(`// ${marker}`)) + 1;

const GRACE = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const port = (server: Server) => (server.address() as AddressInfo).port;

let tracker: HandleTracker;
let errors: unknown[];
const closers: Array<() => unknown> = [];
let dir: string;

function start() {
	errors = [];
	tracker = new HandleTracker({ root, tooling: [], graceMs: GRACE, onVerdictChange: () => {}, onError: (error) => errors.push(error) });
	tracker.start();
}

async function request(key: string, body: () => Promise<void>) {
	const context = requestContext();
	await requestStorage.run(context, body);
	tracker.requestEnded(context, key);
}

/** Polls until the tracker says `ready` (grace checks and liveness polls are timers of their own). */
async function describeWhen(key: string, ready: (handles: number) => boolean) {
	for (let i = 0; i < 50 && !ready(tracker.describe(key).handles); i++) await sleep(50);
	return tracker.describe(key);
}

afterEach(async () => {
	tracker?.close();
	await Promise.all(closers.splice(0).map((close) => close()));
	if (dir) rmSync(dir, { recursive: true, force: true });
	expect(errors).toEqual([]);
});

// A FileHandle is made by native code when the open completes, outside any async context: it is tied
// to the request through the open that made it (see pending-opens.ts).
const LEFT = ['TCPServer', 'TCP', 'UDP', 'PipeServer', 'Pipe', 'ChildProcess', 'FSWatcher', 'FileHandle', 'MessagePort', 'Worker'];

describe('HandleTracker and native handles', () => {
	it('survives every kind of handle opened in a request, and names those left open by kind and line', async () => {
		start();
		dir = mkdtempSync(path.join(os.tmpdir(), 'heapwatch-native-'));
		await request('/native', async () => {
			const tcpServer = createServer().listen(0); // left: TCPServer
			await once(tcpServer, 'listening');
			const tcp = connect(port(tcpServer), '127.0.0.1'); // left: TCP
			await once(tcp, 'connect');
			const udp = createSocket('udp4'); // left: UDP
			udp.bind(0, '127.0.0.1');
			await once(udp, 'listening');
			const pipeServer = createServer().listen(path.join(dir, 'left.sock')); // left: PipeServer
			await once(pipeServer, 'listening');
			const pipe = connect(path.join(dir, 'left.sock')); // left: Pipe
			await once(pipe, 'connect');
			const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' }); // left: ChildProcess
			const watcher = watch(dir); // left: FSWatcher
			const file = await open(path.join(dir, 'left.txt'), 'a'); // left: FileHandle
			const channel = new MessageChannel(); // left: MessagePort
			channel.port1.on('message', () => {});
			const worker = new Worker('setInterval(() => {}, 1000)', { eval: true }); // left: Worker
			closers.push(
				() => tcp.destroy(),
				() => new Promise((resolve) => tcpServer.close(resolve)),
				() => udp.close(),
				() => pipe.destroy(),
				() => new Promise((resolve) => pipeServer.close(resolve)),
				() => child.kill(),
				() => watcher.close(),
				() => file.close(),
				() => channel.port1.close(),
				() => worker.terminate()
			);

			const closedServer = createServer().listen(0); // closed: TCPServer
			await once(closedServer, 'listening');
			const closedTcp = connect(port(closedServer), '127.0.0.1'); // closed: TCP
			await once(closedTcp, 'connect');
			closedTcp.destroy();
			await new Promise((resolve) => closedServer.close(resolve));
			const closedUdp = createSocket('udp4'); // closed: UDP
			closedUdp.bind(0, '127.0.0.1');
			await once(closedUdp, 'listening');
			closedUdp.close();
			const closedPipeServer = createServer().listen(path.join(dir, 'closed.sock')); // closed: PipeServer
			await once(closedPipeServer, 'listening');
			const closedPipe = connect(path.join(dir, 'closed.sock')); // closed: Pipe
			await once(closedPipe, 'connect');
			closedPipe.destroy();
			await new Promise((resolve) => closedPipeServer.close(resolve));
			const closedChild = spawn(process.execPath, ['-e', '']); // closed: ChildProcess
			await once(closedChild, 'close');
			watch(dir).close(); // closed: FSWatcher
			await (await open(path.join(dir, 'closed.txt'), 'a')).close(); // closed: FileHandle
			await readFile(path.join(dir, 'closed.txt')); // closed: readFile's own FileHandle
			const closedChannel = new MessageChannel(); // closed: MessagePort
			closedChannel.port1.on('message', () => {});
			closedChannel.port1.close();
			await once(new Worker('', { eval: true }), 'exit'); // closed: Worker
			await lookup('localhost'); // finished: DNS
		});

		const described = await describeWhen('/native', (handles) => handles === LEFT.length);
		expect([...described.handleSites].sort((a, b) => a.line - b.line)).toEqual(LEFT.map((type) => ({ type, file, line: lineOf(`left: ${type}`), count: 1 })));
		expect(described.handles).toBe(LEFT.length);

		await Promise.all(closers.splice(0).map((close) => close()));
		expect(await describeWhen('/native', (handles) => handles === 0)).toMatchObject({ handles: 0, handleSites: [] });
	});
});
