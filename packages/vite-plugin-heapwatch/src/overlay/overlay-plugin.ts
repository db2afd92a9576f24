import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import type { ResolvedOverlayOptions } from '../options.ts';
import type { Transport } from './feed.ts';
import type { PluginContext } from '../plugin-context.ts';

/**
 * Built by packages/overlay and copied here by the plugin's build: overlay.js, which every page
 * loads, and the chunks it imports from the same folder (the panel and the Svelte runtime, on first open).
 */
const BUNDLE_DIR = fileURLToPath(new URL('./overlay/', import.meta.url));
const BUNDLE = `${BUNDLE_DIR}overlay.js`;

const ENTRY_ID = 'virtual:heapwatch-overlay';
const OPTIONS_ID = 'virtual:heapwatch-options';
const RESOLVED_OPTIONS_ID = `\0${OPTIONS_ID}`;

/** What the overlay reads from `virtual:heapwatch-options`: see packages/overlay/src/options.ts. */
export interface BrowserOptions extends ResolvedOverlayOptions {
	transport: Transport;
	base: string;
	/** The app root, so that `file:line` links name absolute paths for `__open-in-editor`. */
	root: string;
}

/**
 * Puts the overlay in every page that loads JS. SvelteKit never calls transformIndexHtml, so, as
 * vite-plugin-svelte's inspector does (src/plugins/inspector/index.js), we append a dynamic import to
 * Vite's own client module. The import resolves to an absolute file in our dist, so Vite serves it
 * as a plain module instead of pre-bundling a bare specifier (which would force a page reload).
 */
export function overlayPlugin(options: ResolvedOverlayOptions, context: Pick<PluginContext, 'measuring'>): Plugin {
	let root = '';
	let base = '/';
	return {
		name: 'heapwatch:overlay',
		apply: 'serve',
		enforce: 'pre',
		applyToEnvironment: (environment) => environment.config.consumer === 'client',
		configResolved(config) {
			root = config.root;
			base = config.base;
		},
		// Filters keep Vite from calling into these hooks for every other module of the app.
		resolveId: {
			filter: { id: new RegExp(`^(?:${ENTRY_ID}|${OPTIONS_ID})$`) },
			handler(id) {
				if (id === ENTRY_ID) return BUNDLE;
				if (id === OPTIONS_ID) return RESOLVED_OPTIONS_ID;
			}
		},
		load: {
			filter: { id: [new RegExp(`^${RESOLVED_OPTIONS_ID}$`), new RegExp(`^${escapeRegExp(BUNDLE_DIR)}[\\w-]+\\.js(?:\\?|$)`)] },
			handler(id) {
				if (id === RESOLVED_OPTIONS_ID) {
					const transport = context.measuring?.transport;
					const browser: BrowserOptions | null = transport ? { ...options, transport, base, root } : null;
					return `export default ${JSON.stringify(browser)};`;
				}
				// overlay.js, or a chunk it imports (Vite resolves those next to it).
				const file = id.split('?')[0];
				// Read it ourselves: the file sits outside the app, where Vite's server.fs.allow may refuse it.
				if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
				context.measuring?.log.once(
					'no-overlay-bundle',
					'error',
					`the overlay bundle is missing (${file}), so pages show no overlay. Reinstall vite-plugin-heapwatch; terminal warnings still work.`
				);
				return 'export {};';
			}
		},
		transform: {
			// Vite+ installs Vite as vite-plus-core, with the client one folder deeper.
			filter: { id: /(?:vite\/dist|vite\/dist\/vite|vite-plus-core\/dist\/vite)\/client\/client\.mjs(?:\?|$)/ },
			handler(code) {
				return { code: `${code}\n${overlayImport(options.inAutomatedBrowsers)}\n`, map: null };
			}
		}
	};
}

/**
 * The line appended to Vite's client. In a browser driven by automation (`navigator.webdriver`) it
 * loads nothing unless asked to: the app's own tests then see no overlay element, no extra button
 * in the tab order and no request of ours, because none of it exists. Hiding the overlay from them
 * piece by piece (tabindex, a closed shadow root) would still leave the host element in `body`.
 */
function overlayImport(inAutomatedBrowsers: boolean): string {
	const load = `import(${JSON.stringify(ENTRY_ID)});`;
	return inAutomatedBrowsers ? load : `if (!globalThis.navigator?.webdriver) ${load}`;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
