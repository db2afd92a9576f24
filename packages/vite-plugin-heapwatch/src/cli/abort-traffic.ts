import http from 'node:http';
import type { CheckRoute } from '../options.ts';
import { freshValue } from './traffic.ts';

// A client that reads this long before giving up, at most: streams that never end must not hold the check.
const GIVE_UP_MS = 1500;
// A slow reader takes a chunk, then waits this long before the next.
const SLOW_READ_MS = 150;

/**
 * Traffic real clients make besides complete reads (`--abort`): one request abandoned after the
 * first chunk of its response (a closed tab, a dropped EventSource), one read slowly and abandoned
 * after a few chunks. Streams without `cancel`, promises that never settle and upstream bodies never
 * closed only leak when clients leave. GET only: leaving a form post half-way is no common client.
 */
export function createAbortTraffic() {
	let turn = 0;
	return async (base: string, target: CheckRoute): Promise<void> => {
		if ((target.method ?? 'GET') !== 'GET') return;
		const url = base + target.url.replaceAll('{n}', freshValue());
		await (turn++ % 2 === 0 ? abandonAfterFirstChunk(url) : readSlowly(url, 3));
	};
}

function abandonAfterFirstChunk(url: string): Promise<void> {
	return request(url, (response, leave) => response.once('data', leave));
}

function readSlowly(url: string, chunks: number): Promise<void> {
	return request(url, (response, leave) => {
		let read = 0;
		response.on('data', () => {
			if (++read >= chunks) return leave();
			response.pause();
			setTimeout(() => response.resume(), SLOW_READ_MS);
		});
	});
}

/** One GET whose client leaves when `read` says so, when the response ends, or after GIVE_UP_MS. */
function request(url: string, read: (response: http.IncomingMessage, leave: () => void) => void): Promise<void> {
	return new Promise((resolve) => {
		const req = http.get(url, { headers: { accept: 'text/html,text/event-stream;q=0.9,*/*;q=0.8' } }, (response) => {
			read(response, leave);
			response.once('end', leave);
		});
		const timer = setTimeout(() => leave(), GIVE_UP_MS);
		function leave() {
			clearTimeout(timer);
			req.destroy();
			resolve();
		}
		// Destroying our own request reports an error on it; a refused connection ends it the same way.
		req.on('error', leave);
	});
}
