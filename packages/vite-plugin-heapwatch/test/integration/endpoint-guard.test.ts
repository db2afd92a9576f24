import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { heapwatchFetch } from '../../../../scripts/lib/traffic.ts';

// Every /__heapwatch/ endpoint answers the dev server's own pages and tools that send no Origin
// (curl, heapwatch check), with this process's token, and refuses what another site's page sends:
// a simple cross-site POST would start heap snapshots, and nothing the app keeps should reach
// another origin. Without the token (another user of the machine, a local page on another port
// whose request carries no Origin), nothing answers either: a snapshot holds the server's environment.

let server: DevServer;
beforeAll(async () => {
	server = await startDevServer();
});
afterAll(() => server?.stop());

const capture = '/__heapwatch/retainers?route=' + encodeURIComponent('/lab/singleton');
const ENDPOINTS = [
	['/__heapwatch/report.json', 'GET'],
	[capture, 'POST'],
	[capture, 'GET'],
	['/__heapwatch/snapshots/x.heapsnapshot', 'GET']
];

describe('the guard in front of heapwatch’s endpoints', () => {
	it('answers tools that send no Origin and the dev server’s own pages, with the token printed at start', async () => {
		expect(server.output()).toMatch(/\[heapwatch\] measuring server memory per route: \/__heapwatch\/report\.json\?token=[\w-]{20,}/);
		expect((await heapwatchFetch(server.url, '/__heapwatch/report.json')).status).toBe(200);
		expect((await heapwatchFetch(server.url, '/__heapwatch/report.json', { headers: { origin: server.url } })).status).toBe(200);
		// A URL typed into the address bar, with the token in its query.
		expect((await fetch(`${server.url}/__heapwatch/report.json?token=${server.token}`, { headers: { 'sec-fetch-site': 'none' } })).status).toBe(200);
	});

	it('refuses a request without the token, or with a wrong one, on every endpoint, and starts nothing', async () => {
		for (const [path, method] of ENDPOINTS) {
			for (const headers of [{}, { 'x-heapwatch-token': 'guessed' }] as Record<string, string>[]) {
				const response = await fetch(server.url + path, { method, headers });
				expect(response.status, `${method} ${path}`).toBe(401);
				expect(response.headers.get('access-control-allow-origin')).toBeNull();
				expect(((await response.json()) as { error: string }).error).toMatch(/need this dev server’s token: its terminal printed it at start/);
			}
		}
		// The refused POSTs started no capture.
		expect((await heapwatchFetch(server.url, capture)).status).toBe(404);
	});

	it('refuses another site’s page, and another local server’s, on every endpoint, starts nothing, and says so once in the terminal', async () => {
		for (const origin of ['http://evil.example', 'http://localhost:1', 'http://127.0.0.1:1']) {
			for (const [path, method] of ENDPOINTS) {
				const response = await heapwatchFetch(server.url, path, { method, headers: { origin } });
				expect(response.status, `${origin}: ${method} ${path}`).toBe(403);
				expect(response.headers.get('access-control-allow-origin')).toBeNull();
				expect(((await response.json()) as { error: string }).error).toMatch(/only pages of this dev server/);
			}
		}
		const crossSite = await heapwatchFetch(server.url, '/__heapwatch/report.json', { headers: { 'sec-fetch-site': 'cross-site' } });
		expect(crossSite.status).toBe(403);
		// The refused POST started no capture.
		expect((await heapwatchFetch(server.url, capture)).status).toBe(404);
		const warnings = server.linesWith('refused a request to', 'Origin http://evil.example');
		expect(warnings).toHaveLength(1);
	});
});
