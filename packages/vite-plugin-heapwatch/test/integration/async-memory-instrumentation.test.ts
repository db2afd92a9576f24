import { afterAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { browse, fresh, get, leaveEarly, postForm, shuffle } from '../../../../scripts/lib/traffic.ts';
import type { Report } from '../../src/index.ts';

// A leak on every request outside route files (issue 13): src/instrumentation.server.ts sets up a
// tracing SDK (playground/src/lib/lab/telemetry) whose exporter never calls back, so every request's
// span stays pending. Switched on at /lab/telemetry; `exporting` is its twin that calls back.
const CLEAN = ['/lab/weakmap/{n}', '/lab/singleton', '/lab/locals/{n}', '/lab/big-transient/{n}', '/lab/dropped-fetch/{n}', '/lab/promise-settled/{n}'];
const FILE = 'src/instrumentation.server.ts';

const servers: DevServer[] = [];
afterAll(() => Promise.all(servers.map((server) => server.stop())));

async function browseWith(mode: 'stuck' | 'exporting'): Promise<{ final: Report; output: string }> {
	const server = await startDevServer();
	servers.push(server);
	expect(await postForm(server.url, '/lab/telemetry', `mode=${mode}`)).toBe(200);
	const final = await browse(server.url, { rounds: 40, pauseMs: 120 }, async (round) => {
		for (const href of shuffle(CLEAN)) expect(await get(server.url, fresh(href))).toBe(200);
		if (round % 8 === 0) await leaveEarly(server.url, '/lab/slow');
	});
	return { final, output: server.output() };
}

describe('a tracing exporter in instrumentation.server.ts that never calls back', () => {
	let run: { final: Report; output: string };

	it('is one finding, on its own file, with the module that allocates the spans', async () => {
		run = await browseWith('stuck');
		const finding = run.final.findings.find((f) => f.kind === 'instrumentation');
		expect(finding).toMatchObject({ file: FILE, verdict: 'leak' });
		expect(finding!.retainedBytesPerRequest).toBeGreaterThan(2048);
		expect(finding!.sources[0]?.file).toBe('src/lib/lab/telemetry/tracer.ts');
	});

	it('is never spread over the routes', () => {
		for (const route of run.final.routes) expect(route.verdict, route.id ?? '404').not.toBe('leak');
	});

	it('is said once in the terminal, and not cleared while it goes on', () => {
		expect(run.output.match(/src\/instrumentation\.server\.ts retains ~\d+\.\d KB per request, on every request/g)).toHaveLength(1);
		expect(run.output).toContain('such as an exporter that never calls its result callback');
		expect(run.output).not.toContain('src/instrumentation.server.ts no longer grows');
	});
});

describe('the same exporter calling back', () => {
	it('is no finding, and no route is flagged', async () => {
		const { final, output } = await browseWith('exporting');
		expect(final.findings.find((f) => f.kind === 'instrumentation')?.verdict ?? 'ok').toBe('ok');
		for (const route of final.routes) expect(route.verdict, route.id ?? '404').not.toBe('leak');
		expect(output).not.toContain('instrumentation.server.ts retains');
	});
});
