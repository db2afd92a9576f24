import { sharedKey } from '../routes/shared-keys.ts';

/**
 * What a live allocation can be counted under: the caller decides which scripts are a route's (or a
 * shared source's) and which are the app's own code; these keys are the ones heapwatch itself gives.
 * Shared by the profile walk (profile-places.ts), the tally (live-bytes-tally.ts) and the callers.
 */

/**
 * Where a live allocation belongs: a key (a route id, or a shared source) chosen by the caller from its
 * stack; TOOLING for the dev server's own code (Vite, heapwatch).
 */
export type ClassifyScript = (url: string) => string | undefined;

/** Whether a script is the app's own code (not a library, Vite, Kit or Node), where a site is named. */
export type IsAppCode = (url: string) => boolean;

/**
 * What a classifier returns for the dev tooling's own scripts. An allocation whose innermost script is
 * one of them, and with no route file on its stack, is nobody's: it is left out of every estimate.
 */
export const TOOLING = '(tooling)';

/**
 * Prefix of the key a classifier gives to what src/instrumentation.server.* loads (an SDK, an exporter).
 * Like TOOLING it is decided by the innermost frame with a script, and only when no route file is on
 * the stack: tracing wraps whole requests, and what runs inside is the route's.
 */
export const INSTRUMENTATION = sharedKey('instrumentation', '');

/**
 * Live sampled bytes with no route file on their stack, allocated while no single request ran alone
 * (or before the first marker of a read): growth heapwatch cannot place. Never a route.
 */
export const UNPLACED = '(unplaced)';

/** A key decided by the innermost frame with a script rather than by any route file on the stack. */
export const isInnermostOnly = (key: string | undefined) => key === TOOLING || (key !== undefined && key.startsWith(INSTRUMENTATION));
