import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { get, heapwatchFetch, postForm, report } from '../../../../scripts/lib/traffic.ts';
import type { Report } from '../../src/index.ts';

let server: DevServer;
let final: Report;
const route = (id: string | null) => final.routes.find((r) => r.id === id);

beforeAll(async () => {
	server = await startDevServer();
	const base = server.url;
	expect(await get(base, '/lab/unbounded-cache/5')).toBe(200);
	expect(await get(base, '/admin/3')).toBe(200);
	expect(await get(base, '/admin/3/__data.json')).toBe(200);
	expect(await postForm(base, '/admin/3?/rename', 'name=renamed')).toBe(200);
	expect(await get(base, '/api/items/4')).toBe(200);
	expect(await get(base, '/sub-request')).toBe(200);
	expect(await get(base, '/no/such/page')).toBe(404);
	// Vite's own module and asset requests pass the same middleware and must not count.
	expect(await get(base, '/@vite/client')).toBe(200);
	expect(await get(base, '/src/routes/+page.svelte')).toBe(200);
	final = await report(base);
});

afterAll(() => server?.stop());

describe('route ids in vite dev', () => {
	it('attributes a parameterized page to its route id, not its URL', () => {
		expect(route('/lab/unbounded-cache/[id]')?.requests).toBe(1);
		expect(final.routes.some((r) => r.id?.includes('/5'))).toBe(false);
	});

	it('keeps the (group) segment, and counts the page, its __data.json and its form action', () => {
		const admin = route('/(app)/admin/[id]');
		expect(admin?.requests).toBe(3);
		expect(admin?.last?.method).toBe('POST');
		expect(admin?.file).toBe('src/routes/(app)/admin/[id]/+page.server.ts');
	});

	it('counts a +server endpoint, and an event.fetch sub-request for its own route', () => {
		expect(route('/api/items/[id]')?.requests).toBe(2);
		expect(route('/api/items/[id]')?.last?.subRequest).toBe(true);
		expect(route('/sub-request')?.requests).toBe(1);
		expect(route('/sub-request')?.last?.subRequest).toBe(false);
	});

	it('puts requests that match no route in one bucket with id null', () => {
		expect(route(null)?.requests).toBe(1);
		expect(route(null)?.last?.status).toBe(404);
	});

	it("does not count Vite's module requests as routes", () => {
		const total = final.routes.reduce((sum, r) => sum + r.requests, 0);
		expect(total).toBe(1 + 3 + 2 + 1 + 1);
		expect(final.routes.map((r) => r.id).sort()).toEqual(['/(app)/admin/[id]', '/api/items/[id]', '/lab/unbounded-cache/[id]', '/sub-request', null].sort());
	});

	it('serves report.json in the documented shape', () => {
		expect(final.version).toBe(1);
		for (const r of final.routes) {
			expect(r.id === null || typeof r.id === 'string').toBe(true);
			expect(typeof r.requests).toBe('number');
			expect(['warming', 'ok', 'leak']).toContain(r.verdict);
			expect(typeof r.retainedBytesPerRequest).toBe('number');
			expect(typeof r.handles).toBe('number');
			expect(Array.isArray(r.sources)).toBe(true);
		}
	});

	it('answers other methods on report.json with 405', async () => {
		const response = await heapwatchFetch(server.url, '/__heapwatch/report.json', { method: 'POST' });
		expect(response.status).toBe(405);
	});
});
