import { describe, expect, it } from 'vitest';
import { findCreationSite, parseStack } from '../src/handles/creation-site.ts';

const root = '/app';
const filter = { root, tooling: ['/work/heapwatch/packages/vite-plugin-heapwatch/'] };
const stack = (...frames: string[]) => ['Error', ...frames.map((frame) => `    at ${frame}`)].join('\n');
/** The frames of a stack of these lines, as findCreationSite takes them. */
const framesOf = (...frames: string[]) => parseStack(stack(...frames));

describe('parseStack', () => {
	it('reads files and lines, route folders with parentheses and brackets included', () => {
		const frames = parseStack(
			stack(
				'emitInitScript (node:internal/async_hooks:504:3)',
				'new Timeout (node:internal/timers:195:9)',
				'load (/app/src/routes/(app)/admin/[id]/+page.server.ts:5:3)',
				'async render (/app/src/lib/x.ts:12:40)',
				'/app/src/top-level.ts:7:1',
				'file:///app/src/url%20form.ts:3:9',
				'new Promise (<anonymous>)'
			)
		);
		expect(frames).toEqual([
			{ file: 'node:internal/async_hooks', line: 504 },
			{ file: 'node:internal/timers', line: 195 },
			{ file: '/app/src/routes/(app)/admin/[id]/+page.server.ts', line: 5 },
			{ file: '/app/src/lib/x.ts', line: 12 },
			{ file: '/app/src/top-level.ts', line: 7 },
			{ file: '/app/src/url form.ts', line: 3 }
		]);
	});
});

describe('findCreationSite', () => {
	it('names the innermost app frame, relative to the root, and every app file on the stack', () => {
		const frames = framesOf(
			'new Timeout (node:internal/timers:195:9)',
			'setInterval (node:timers:211:19)',
			'poll (/app/src/lib/poll.ts:4:2)',
			'load (/app/src/routes/blog/[slug]/+page.server.ts:9:3)',
			'load_server_data (/app/node_modules/@sveltejs/kit/src/runtime/server/page/load_data.js:61:41)'
		);
		expect(findCreationSite(frames, filter)).toEqual({
			file: 'src/lib/poll.ts',
			line: 4,
			files: ['/app/src/lib/poll.ts', '/app/src/routes/blog/[slug]/+page.server.ts']
		});
	});

	it('walks through third-party packages the app called', () => {
		const frames = framesOf(
			'Socket.connect (node:net:1200:5)',
			'Pool.connect (/app/node_modules/.pnpm/pg@8/node_modules/pg/lib/pool.js:40:7)',
			'load (/app/src/routes/+page.server.ts:3:20)'
		);
		expect(findCreationSite(frames, filter)).toMatchObject({ file: 'src/routes/+page.server.ts', line: 3 });
	});

	it("leaves Vite's, Kit's and our own resources out, even when the app is further out on the stack", () => {
		const vite = framesOf(
			'setTimeout (node:timers:140:19)',
			'ModuleRunner.request (/app/node_modules/.pnpm/vite@8.3.8/node_modules/vite/dist/node/module-runner.js:1200:4)',
			'load (/app/src/routes/+page.server.ts:3:20)'
		);
		const kit = framesOf('setTimeout (node:timers:140:19)', 'respond (/app/node_modules/@sveltejs/kit/src/runtime/server/respond.js:300:5)');
		const generated = framesOf(
			'setTimeout (node:timers:140:19)',
			'get_hooks (/app/.svelte-kit/generated/dev/server.js:20:3)',
			'load (/app/src/routes/+page.server.ts:3:20)'
		);
		const ours = framesOf(
			'setTimeout (node:timers:140:19)',
			'#schedule (/work/heapwatch/packages/vite-plugin-heapwatch/dist/index.mjs:111:57)',
			'load (/app/src/routes/+page.server.ts:3:20)'
		);
		for (const frames of [vite, kit, generated, ours]) expect(findCreationSite(frames, filter)).toBeNull();
	});

	it('names the library when it opened the resource in a callback, with no app frame on the stack', () => {
		const ioredis = framesOf(
			'new Socket (node:net:470:12)',
			'Object.connect (node:net:246:17)',
			'/app/node_modules/.pnpm/ioredis@5.6.1/node_modules/ioredis/built/connectors/StandaloneConnector.js:54:45',
			'process.processTicksAndRejections (node:internal/process/task_queues:85:11)'
		);
		expect(findCreationSite(ioredis, filter)).toEqual({ file: 'node_modules/ioredis/built/connectors/StandaloneConnector.js', line: 54, files: [] });
		// A workspace app whose packages are hoisted above its root.
		const hoisted = framesOf('connect (/repo/node_modules/.pnpm/pg@8.16.0/node_modules/pg/lib/connection.js:43:18)');
		expect(findCreationSite(hoisted, filter)).toMatchObject({ file: 'node_modules/pg/lib/connection.js', line: 43 });
		// The app's own line wins over the library's when both are there.
		const called = framesOf('connect (/app/node_modules/pg/lib/connection.js:43:18)', 'load (/app/src/routes/+page.server.ts:8:30)');
		expect(findCreationSite(called, filter)).toMatchObject({ file: 'src/routes/+page.server.ts', line: 8 });
		// A library called by the tooling stays the tooling's.
		const tooling = framesOf(
			'watch (/app/node_modules/chokidar/index.js:1:1)',
			'ModuleRunner.request (/app/node_modules/vite/dist/node/module-runner.js:1200:4)'
		);
		expect(findCreationSite(tooling, filter)).toBeNull();
	});

	it('gives up when no app frame was captured (node internals only)', () => {
		expect(findCreationSite(framesOf('listOnTimeout (node:internal/timers:588:17)', 'process.processTimers (node:internal/timers:523:7)'), filter)).toBeNull();
	});
});
