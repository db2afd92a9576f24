import { json } from '@sveltejs/kit';
import { execFile, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { once } from 'node:events';
import { watch } from 'node:fs';
import { open } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { MessageChannel, Worker } from 'node:worker_threads';
import { closeAll, leave, scratch, socketPath } from '#lib/lab/every-handle/left-open.ts';
import { loopbackApi } from '#lib/lab/every-handle/loopback-api.ts';

// Opens every kind of native handle a request can open. One of each is left open (heapwatch must name
// its line and kind), one of each is closed before the response (never reported), and a fetch and a
// DNS lookup finish by themselves. `?close=1` closes everything left open so far.
// A server listened on a host (`listen(0, '127.0.0.1')`) gets its handle after a DNS lookup tick, with
// no line of ours on the stack: the lingering one listens on port 0 of every interface instead.

const run = promisify(execFile);
const port = (server: Server) => (server.address() as AddressInfo).port;

export async function GET({ url }) {
	if (url.searchParams.has('close')) return json({ closed: await closeAll() });
	const dir = scratch();

	const tcpServer = createServer().listen(0); // left: TCPServer
	await once(tcpServer, 'listening');
	const tcp = connect(port(tcpServer), '127.0.0.1'); // left: TCP
	await once(tcp, 'connect');
	const udp = createSocket('udp4'); // left: UDP
	udp.bind(0, '127.0.0.1');
	await once(udp, 'listening');
	const pipePath = socketPath();
	const pipeServer = createServer().listen(pipePath); // left: PipeServer
	await once(pipeServer, 'listening');
	const pipe = connect(pipePath); // left: Pipe
	await once(pipe, 'connect');
	const child = spawn('sleep', ['300'], { stdio: 'ignore' }); // left: ChildProcess
	const watcher = watch(dir); // left: FSWatcher
	const file = await open(path.join(dir, 'left.txt'), 'a'); // left: FileHandle
	const channel = new MessageChannel(); // left: MessagePort
	channel.port1.on('message', () => {});
	const worker = new Worker('setInterval(() => {}, 1000)', { eval: true }); // left: Worker
	leave(() => tcp.destroy());
	leave(() => new Promise((resolve) => tcpServer.close(resolve)));
	leave(() => udp.close());
	leave(() => pipe.destroy());
	leave(() => new Promise((resolve) => pipeServer.close(resolve)));
	leave(() => child.kill());
	leave(() => watcher.close());
	leave(() => file.close());
	leave(() => channel.port1.close());
	leave(() => worker.terminate());

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
	const closedPipePath = socketPath();
	const closedPipeServer = createServer().listen(closedPipePath); // closed: PipeServer
	await once(closedPipeServer, 'listening');
	const closedPipe = connect(closedPipePath); // closed: Pipe
	await once(closedPipe, 'connect');
	closedPipe.destroy();
	await new Promise((resolve) => closedPipeServer.close(resolve));
	await run('true'); // closed: ChildProcess
	watch(dir).close(); // closed: FSWatcher
	await (await open(path.join(dir, 'closed.txt'), 'a')).close(); // closed: FileHandle
	const closedChannel = new MessageChannel(); // closed: MessagePort
	closedChannel.port1.on('message', () => {});
	closedChannel.port1.close();
	await once(new Worker('', { eval: true }), 'exit'); // closed: Worker

	// Finish by themselves: a fetch whose body is read (its keep-alive socket idles unref'd in undici's
	// pool) and a DNS lookup (a request, not a handle).
	const api = await (await fetch(await loopbackApi())).json(); // finished: fetch
	const { address } = await lookup('localhost'); // finished: DNS
	return json({ api, localhost: address, child: child.pid });
}
