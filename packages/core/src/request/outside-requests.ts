import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Runs `fn` in the async context this module was loaded in, outside any request: not only outside
 * heapwatch's own request context (requestStorage.exit does that much) but outside every store, Kit's
 * and the app's included. A timer heapwatch arms while a request ends captures the context it is made
 * in, and with it the request's event and objects, until it fires: the forced GC of the sample timer
 * then ran with the last request's data held alive, and counted it as kept. Timers, intervals and
 * anything long-lived that heapwatch starts are made in here.
 */
export const outsideRequests: <R>(fn: () => R) => R = AsyncLocalStorage.snapshot();
