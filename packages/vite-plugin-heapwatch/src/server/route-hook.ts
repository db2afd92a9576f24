import type { Plugin } from 'vite';
import type { PluginContext } from '../plugin-context.ts';

/**
 * Reads SvelteKit's route id with no user code: Kit loads the user's hooks through a generated
 * module that exports `get_hooks()` (Kit 3: .svelte-kit/generated/dev/server.js, Kit 2:
 * .svelte-kit/generated/server/internal.js). We wrap the `handle` it returns, where `event.route.id`
 * is final. That module is internal to Kit, so `installed` tells the plugin whether it matched.
 * See packages/kit/src/core/sync/write_server.js in SvelteKit.
 */
export const BRIDGE_KEY = 'vite-plugin-heapwatch:bridge';

export interface HandleInput {
	event: { route: { id: string | null }; isSubRequest?: boolean; request: Request };
	resolve: (event: unknown) => unknown;
}
export type Handle = (input: HandleInput) => unknown;

/** What the wrapped `handle` calls in the plugin, looked up per request so restarts pick up the new one. */
export interface Bridge {
	handle(input: HandleInput, handle: Handle): unknown;
}

const GENERATED = /[\\/]generated[\\/](dev[\\/]server|server[\\/]internal)\.js$/;
const DECLARATION = 'export async function get_hooks()';

// Appended to Kit's module. Kit's default handle is `({ event, resolve }) => resolve(event)`.
const wrapper = `
export async function get_hooks() {
	const hooks = await __heapwatch_get_hooks();
	const handle = hooks.handle ?? (({ event, resolve }) => resolve(event));
	return {
		...hooks,
		handle: (input) => {
			const bridge = globalThis[Symbol.for(${JSON.stringify(BRIDGE_KEY)})];
			return bridge ? bridge.handle(input, handle) : handle(input);
		}
	};
}
`;

export function routeHookPlugin(context: Pick<PluginContext, 'routeHookInstalled'>): Plugin {
	return {
		name: 'heapwatch:route-hook',
		apply: 'serve',
		enforce: 'post',
		transform: {
			// Vite skips the hook for every other module (older Vites call it, and the checks below hold).
			filter: { id: GENERATED, code: DECLARATION },
			handler(code, id, options) {
				const ssr = this.environment ? this.environment.config.consumer === 'server' : options?.ssr;
				if (!ssr || !GENERATED.test(id) || !code.includes(DECLARATION)) return;
				context.routeHookInstalled = true;
				return { code: code.replace(DECLARATION, 'async function __heapwatch_get_hooks()') + wrapper, map: null };
			}
		}
	};
}

export function installBridge(bridge: Bridge): () => void {
	const key = Symbol.for(BRIDGE_KEY);
	(globalThis as Record<symbol, unknown>)[key] = bridge;
	return () => {
		if ((globalThis as Record<symbol, unknown>)[key] === bridge) delete (globalThis as Record<symbol, unknown>)[key];
	};
}
