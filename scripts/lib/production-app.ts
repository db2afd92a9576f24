import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './services.ts';

/** The Kit app built with adapter-node that vite-plugin-heapwatch/production is tried on. */
export const PRODUCTION_APP = fileURLToPath(new URL('../../packages/vite-plugin-heapwatch/test/fixtures/production-app/', import.meta.url));

/** Its routes, as Kit's route ids, and a URL of each (`{n}` a parameter). Only /leak/[id] keeps memory. */
export const PRODUCTION_ROUTES = [
	{ id: '/leak/[id]', href: '/leak/{n}' },
	{ id: '/items/[id]', href: '/items/{n}' },
	{ id: '/cache/[id]', href: '/cache/{n}' },
	{ id: '/about', href: '/about' },
	{ id: '/', href: '/' }
] as const;
export type ProductionRouteId = (typeof PRODUCTION_ROUTES)[number]['id'];

/** `vite build` of the fixture (adapter-node writes build/), with this Node; vite-plugin-heapwatch's dist must be built. */
export function buildProductionApp(): void {
	const vite = path.join(path.dirname(createRequire(path.join(PRODUCTION_APP, 'package.json')).resolve('vite/package.json')), 'bin/vite.js');
	execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: PRODUCTION_APP, stdio: ['ignore', 'ignore', 'pipe'] });
}

export interface ProductionInstance {
	url: string;
	pid: number;
	/** The SDK's Prometheus exporter, when it was asked for. */
	metricsPort: number | undefined;
	/** What the server wrote to stderr so far. */
	stderr(): string;
	stop(): Promise<void>;
}

export interface InstanceOptions {
	/** false: the same build without heapwatch (its hooks pass requests straight to resolve). */
	heapwatch: boolean;
	/** Start the OpenTelemetry SDK with its Prometheus exporter on a free port. */
	metrics: boolean;
	nodeFlags?: string[];
	/** More environment variables for the server (HEAPWATCH_PRODUCTION_OPTIONS: heapwatch()'s options as JSON). */
	env?: Record<string, string>;
}

/** `node build` of the fixture on a free loopback port; resolves once it listens. */
export async function startProductionInstance(options: InstanceOptions): Promise<ProductionInstance> {
	const port = await freePort();
	const metricsPort = options.metrics ? await freePort() : undefined;
	const env: NodeJS.ProcessEnv = {
		...process.env,
		PORT: String(port),
		HOST: '127.0.0.1',
		HEAPWATCH_PRODUCTION: options.heapwatch ? 'on' : 'off',
		...options.env
	};
	if (metricsPort !== undefined) env.HEAPWATCH_METRICS_PORT = String(metricsPort);
	else delete env.HEAPWATCH_METRICS_PORT;
	const child = spawn(process.execPath, [...(options.nodeFlags ?? []), 'build'], { cwd: PRODUCTION_APP, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (chunk) => (stdout += chunk));
	child.stderr!.on('data', (chunk) => (stderr += chunk));
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`The production fixture did not listen within 15 s.\nstdout: ${stdout}\nstderr: ${stderr}`)), 15_000);
		child.stdout!.on('data', () => {
			if (stdout.includes('Listening on')) {
				clearTimeout(timer);
				resolve();
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`The production fixture exited (${code}) before listening.\nstderr: ${stderr}`));
		});
	});
	return { url: `http://127.0.0.1:${port}`, pid: child.pid!, metricsPort, stderr: () => stderr, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	child.kill('SIGTERM');
	await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
	if (child.exitCode === null) child.kill('SIGKILL');
}

/** A small seeded generator (mulberry32): the same traffic on every run. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export interface TrafficOptions {
	bursts: number;
	perBurst: number;
	concurrency: number;
	seed: number;
	/** Each request's latency in ms, when given. */
	latencies?: number[];
}

/**
 * Bursts of requests whose route mix changes from burst to burst (each route's weight drawn anew), as
 * real traffic's mix drifts over a day: what lets a regression on request counts tell routes apart.
 * Parameters cycle over 200 values, so the bounded cache fills and then replaces. Returns the
 * requests sent per route id; throws on a status other than 200.
 */
export async function sendMixedTraffic(base: string, options: TrafficOptions): Promise<Map<ProductionRouteId, number>> {
	const random = seededRandom(options.seed);
	const sent = new Map<ProductionRouteId, number>();
	for (let burst = 0; burst < options.bursts; burst++) {
		const weights = PRODUCTION_ROUTES.map(() => random());
		const total = weights.reduce((sum, weight) => sum + weight, 0);
		const pick = () => {
			let x = random() * total;
			for (let i = 0; i < weights.length; i++) if ((x -= weights[i]) <= 0) return PRODUCTION_ROUTES[i];
			return PRODUCTION_ROUTES[0];
		};
		let left = options.perBurst;
		const worker = async () => {
			while (left-- > 0) {
				const route = pick();
				const started = performance.now();
				const response = await fetch(base + route.href.replace('{n}', String(Math.floor(random() * 200))));
				await response.arrayBuffer();
				options.latencies?.push(performance.now() - started);
				if (response.status !== 200) throw new Error(`GET ${route.href} answered ${response.status}`);
				sent.set(route.id, (sent.get(route.id) ?? 0) + 1);
			}
		};
		await Promise.all(Array.from({ length: options.concurrency }, worker));
	}
	return sent;
}
