/**
 * The Vite config of benchmark servers: the playground's, with or without heapwatch, plus measuring
 * endpoints and an optional ballast of live heap. Used by bench:overhead and bench:detect.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { playgroundDir } from './dev-server.ts';

/** Environment variable: MB of small live objects the server allocates at start and keeps. */
export const BALLAST_ENV = 'HEAPWATCH_BENCH_BALLAST_MB';

// A bench server loads the playground's own vite.config.ts; "off" drops heapwatch's plugins from it.
// Every bench server gets the /__bench/* endpoints (memory after a full GC, CPU time, event-loop delay,
// heapwatch's own GCs), so that servers are measured alike, and allocates HEAPWATCH_BENCH_BALLAST_MB
// of live heap at start when that is set. The configs live under node_modules, where Vite resolves the
// playground's dependencies from.
const configDir = path.join(playgroundDir, 'node_modules', '.heapwatch-bench');
const heapEndpoint = `
import v8 from 'node:v8';
import vm from 'node:vm';
import { monitorEventLoopDelay, PerformanceObserver, constants } from 'node:perf_hooks';
import { subscribe } from 'node:diagnostics_channel';
import heapwatch from 'vite-plugin-heapwatch';
import base from '../../vite.config.ts';

// Stable live heap of small objects, as a big app's module state and caches hold it: ~N MB of heapUsed.
const ballast = [];
const ballastMb = Number(process.env.${BALLAST_ENV} ?? 0);
function allocateBallast() {
	const start = process.memoryUsage().heapUsed;
	for (let n = 0; process.memoryUsage().heapUsed - start < ballastMb * 1024 * 1024; n++) {
		const chunk = [];
		for (let i = 0; i < 10_000; i++) chunk.push({ id: n * 10_000 + i, name: 'item ' + i, tags: [i, n] });
		ballast.push(chunk);
	}
}

const isHeapwatch = (plugin) => Array.isArray(plugin) && plugin.some((p) => p?.name?.startsWith('heapwatch'));
const benchHeap = {
	name: 'bench-heap',
	configureServer(server) {
		allocateBallast();
		// heapwatch's own forced GCs, as it publishes them (none on the "off" server).
		// ms: the GC alone; blockedMs: the whole sample (the GC and the allocation profile read with it).
		const own = { ms: 0, longestMs: 0, longestBlockedMs: 0, count: 0 };
		subscribe('heapwatch:gc', ({ ms, blockedMs }) => {
			own.ms += ms;
			own.longestMs = Math.max(own.longestMs, ms);
			own.longestBlockedMs = Math.max(own.longestBlockedMs, blockedMs);
			own.count++;
		});
		server.middlewares.use('/__bench/own-gc', (req, res) => {
			if (req.url?.includes('reset')) own.longestMs = own.longestBlockedMs = 0;
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify(own));
		});
		// How long the event loop was blocked at worst while the measured requests ran.
		const loop = monitorEventLoopDelay({ resolution: 5 });
		loop.enable();
		server.middlewares.use('/__bench/loop', (req, res) => {
			if (req.url?.includes('reset')) loop.reset();
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ maxMs: loop.max / 1e6, p99Ms: loop.percentile(99) / 1e6 }));
		});
		// Mark-compacts, heapwatch's post-GC samples included: the GC regime the server settled in.
		let majorGcs = 0;
		new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorGcs++;
		}).observe({ entryTypes: ['gc'] });
		// CPU time the server process spent (and its mark-compacts so far): per request, less sensitive
		// than requests/s to the load generator competing for the same cores.
		server.middlewares.use('/__bench/cpu', (req, res) => {
			const { user, system } = process.cpuUsage();
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ micros: user + system, majorGcs }));
		});
		server.middlewares.use('/__bench/heap', (req, res) => {
			v8.setFlagsFromString('--expose-gc');
			const gc = vm.runInNewContext('gc');
			gc();
			gc();
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify(process.memoryUsage()));
		});
	}
};
`;
export function writeBenchConfig(heapwatch: boolean, options = '{}'): string {
	mkdirSync(configDir, { recursive: true });
	const file = path.join(configDir, `vite.config.${heapwatch ? 'on' : 'off'}.ts`);
	const plugins = `...base.plugins.filter((plugin) => !isHeapwatch(plugin))${heapwatch ? `, heapwatch(${options})` : ''}`;
	writeFileSync(file, `${heapEndpoint}\nexport default { ...base, plugins: [${plugins}, benchHeap] };\n`);
	return file;
}
