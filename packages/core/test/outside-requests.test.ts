import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { outsideRequests } from '../src/request/outside-requests.ts';
import { requestStorage } from '../src/request/request-context.ts';

// A timer heapwatch arms as a request ends must not carry the request's context: the stores in it
// (SvelteKit's request event among them) stay alive as long as the timer does.

/** What a timer armed inside `arm` sees of an app's store (say, SvelteKit's request event). */
function storeSeenByTimer(arm: (fn: () => NodeJS.Timeout) => NodeJS.Timeout): Promise<unknown> {
	const kit = new AsyncLocalStorage<{ event: string }>();
	return new Promise((resolve) => {
		kit.run({ event: 'the request' }, () => {
			requestStorage.run({} as never, () => arm(() => setTimeout(() => resolve({ kit: kit.getStore(), ours: requestStorage.getStore() }), 1)));
		});
	});
}

describe('outsideRequests', () => {
	it('arms timers that hold no store of the request they were armed in, the app’s included', async () => {
		expect(await storeSeenByTimer(outsideRequests)).toEqual({ kit: undefined, ours: undefined });
	});

	it('is needed: leaving only heapwatch’s own context keeps the app’s store in the timer', async () => {
		expect(await storeSeenByTimer((fn) => requestStorage.exit(fn))).toEqual({ kit: { event: 'the request' }, ours: undefined });
	});
});
