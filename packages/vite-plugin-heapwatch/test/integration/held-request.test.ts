import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { fresh, get, report, sleep } from '../../../../scripts/lib/traffic.ts';
import type { Report } from '../../src/index.ts';

// A request that never ends (an SSE tab, a long poll, the overlay's own feed in middlewareMode) used
// to keep the server "busy" for good: no idle sample, no Buffer check, and a Buffer leak stayed `ok`.
const LEAKY = ['/lab/buffer-cache/{n}', '/lab/unbounded-cache/{n}'];
const CLEAN = ['/lab/weakmap/{n}', '/lab/singleton'];
const idOf = (href: string) => href.replace('{n}', '[id]');

/** An open stream, read as a browser would. */
interface HeldStream {
	chunks: number;
	/** The server has not ended it. */
	open: boolean;
	close(): void;
}

async function hold(url: string): Promise<HeldStream> {
	const controller = new AbortController();
	const response = await fetch(url, { signal: controller.signal });
	expect(response.status).toBe(200);
	expect(response.headers.get('content-type')).toContain('text/event-stream');
	const held: HeldStream = { chunks: 0, open: true, close: () => controller.abort() };
	const reader = response.body!.getReader();
	void (async () => {
		try {
			for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) held.chunks++;
		} catch {
			// Aborted at the end of the test.
		}
		held.open = false;
	})();
	return held;
}

/**
 * Browsing while the stream stays open: every route once per round, with short pauses, for 30 rounds
 * or until both leaks are flagged (at most 80: heapwatch's GC budget spaces samples further apart when
 * other processes slow its GCs down, and the request count is what matters, not the time).
 */
async function browseWhileHeld(server: DevServer, held: HeldStream): Promise<Report> {
	for (let round = 0; round < 80; round++) {
		for (const href of [...LEAKY, ...CLEAN]) expect(await get(server.url, fresh(href))).toBe(200);
		await sleep(120);
		if (round >= 30 && round % 5 === 0) {
			const now = await report(server.url);
			if (LEAKY.every((href) => now.routes.find((r) => r.id === idOf(href))?.firstFlaggedAt != null)) break;
		}
	}
	await sleep(1500);
	const final = await report(server.url);
	// Still open: the whole run happened with it in flight.
	expect(held.open).toBe(true);
	return final;
}

function expectVerdicts(final: Report) {
	const route = (href: string) => final.routes.find((r) => r.id === idOf(href));
	for (const href of LEAKY) expect({ href, verdict: route(href)?.verdict }).toEqual({ href, verdict: 'leak' });
	for (const href of CLEAN) expect({ href, verdict: route(href)?.verdict }).toEqual({ href, verdict: 'ok' });
}

/**
 * For one describe block: a dev server started before its tests, the stream `open` holds on it, and the
 * report of browsing with the stream held; both closed after the tests.
 */
function runWithStreamHeld(serverOptions: Parameters<typeof startDevServer>[0], open: (server: DevServer) => Promise<HeldStream>) {
	const run = {} as { server: DevServer; held: HeldStream; final: Report };
	beforeAll(async () => {
		run.server = await startDevServer(serverOptions);
		run.held = await open(run.server);
		run.final = await browseWhileHeld(run.server, run.held);
	});
	afterAll(async () => {
		run.held?.close();
		await run.server?.stop();
	});
	return run;
}

describe('with an SSE request held open for the whole run', () => {
	const run = runWithStreamHeld({}, (server) => hold(`${server.url}/lab/sse`));

	it('flags the Buffer leak and the heap leak, and not the clean routes', () => {
		expectVerdicts(run.final);
		expect(run.held.chunks).toBeGreaterThan(5);
	});

	it('says so in the terminal', () => {
		const output = run.server.output();
		expect(output).toMatch(/\[heapwatch\] \/lab\/buffer-cache\/\[id\] retains ~/);
		expect(output).toMatch(/\[heapwatch\] \/lab\/unbounded-cache\/\[id\] retains ~/);
	});
});

describe("in middlewareMode, with the overlay's SSE feed open", () => {
	const run = runWithStreamHeld({ middlewareMode: true }, async (server) => {
		// What a page gets: the options module the overlay imports, with the feed's path and token.
		const code = await (await fetch(`${server.url}/@id/__x00__virtual:heapwatch-options`)).text();
		const { transport } = JSON.parse(code.slice(code.indexOf('{'), code.lastIndexOf('}') + 1)) as { transport: { kind: string; path: string; token: string } };
		expect(transport.kind).toBe('sse');
		return hold(`${server.url}${transport.path}?token=${transport.token}`);
	});

	it('flags the Buffer leak and the heap leak, and not the clean routes', () => {
		expectVerdicts(run.final);
	});
});
