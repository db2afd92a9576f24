import type { Monitor } from '@heapwatch/core';
import type { Log } from './log.ts';
import type { ResolvedOptions } from './options.ts';
import type { Transport } from './overlay/feed.ts';

/**
 * What the sub-plugins of one `heapwatch()` share, in one object (as vite-plugin-inspect keeps its
 * context) rather than loose state objects handed to each: the options, whether SvelteKit's hooks
 * module took the route hook, and the dev server being measured. Each sub-plugin reads what it needs.
 * Vite builds new plugin instances for each server (a restart reloads the config), so one context is
 * one server's.
 */
export interface PluginContext {
	readonly options: ResolvedOptions;
	/** SvelteKit's generated hooks module was given our route hook (see server/route-hook.ts). */
	routeHookInstalled: boolean;
	/** Set once configureServer has run; undefined before and after the server closes. */
	measuring: Measuring | undefined;
}

/** One dev server being measured. */
export interface Measuring {
	monitor: Monitor;
	log: Log;
	/** How pages reach the overlay's feed; null when the overlay is off or its feed failed to start. */
	transport: Transport | null;
	stop(): void;
}

export function createPluginContext(options: ResolvedOptions): PluginContext {
	return { options, routeHookInstalled: false, measuring: undefined };
}
