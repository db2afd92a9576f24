import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Runs `fn` in the async context this module was loaded in, outside any request: not only outside
 * heapwatch's own request context (requestStorage.exit does that much) but outside every store, the
 * app's and its libraries' included (a tracing SDK's context, a store of the app's own). A timer
 * heapwatch arms while a request ends captures the context it is made in, and with it whatever those
 * stores hold of the request, until it fires; the sample timer runs its forced GC inside it, and would
 * count that as kept. Timers, intervals and anything long-lived that heapwatch starts are made in here.
 */
export const outsideRequests: <R>(fn: () => R) => R = AsyncLocalStorage.snapshot();
