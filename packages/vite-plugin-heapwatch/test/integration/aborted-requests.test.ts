import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { get, report, sleep } from '../../../../scripts/lib/traffic.ts';
import type { Report, RouteReport } from '../../src/index.ts';

// Streams five chunks over about a second (playground/src/routes/lab/slow/+server.ts).
const SLOW = '/lab/slow';

let server: DevServer;

beforeAll(async () => {
	server = await startDevServer();
});

afterAll(() => server?.stop());

/** GETs a path, reads the first chunk of its body, then drops the connection, as a closed tab does. */
function leaveAfterFirstChunk(url: string): Promise<{ status: number; firstChunk: string }> {
	return new Promise((resolve, reject) => {
		const request = http.get(url, (response) => {
			response.once('data', (chunk) => {
				request.destroy();
				resolve({ status: response.statusCode!, firstChunk: String(chunk) });
			});
		});
		// Destroying our own request reports an error on it; only one before the first chunk is real.
		request.on('error', reject);
	});
}

async function slowRouteWhen(ready: (route: RouteReport) => boolean): Promise<RouteReport | undefined> {
	let latest: Report = await report(server.url);
	const slow = () => latest.routes.find((route) => route.id === SLOW);
	for (let i = 0; i < 50 && !(slow() && ready(slow()!)); i++) {
		await sleep(200);
		latest = await report(server.url);
	}
	return slow();
}

describe('a request whose client goes away before the response ends', () => {
	it('is recorded as finished when the whole body was read', async () => {
		expect(await get(server.url, SLOW)).toBe(200);
		const route = await slowRouteWhen((r) => r.requests === 1);
		expect(route?.last).toMatchObject({ method: 'GET', status: 200, aborted: false, subRequest: false });
	});

	it('is recorded as aborted in report.json when the client leaves half-way', async () => {
		const { status, firstChunk } = await leaveAfterFirstChunk(server.url + SLOW);
		expect(status).toBe(200);
		expect(firstChunk).toBe('chunk 1 of 5\n');
		const route = await slowRouteWhen((r) => r.requests === 2);
		expect(route?.requests).toBe(2);
		expect(route?.last).toMatchObject({ method: 'GET', aborted: true, subRequest: false });
	});

	it('goes back to finished with the next complete request', async () => {
		expect(await get(server.url, SLOW)).toBe(200);
		const route = await slowRouteWhen((r) => r.requests === 3);
		expect(route?.last).toMatchObject({ status: 200, aborted: false });
	});
});
