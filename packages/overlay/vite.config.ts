import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const messages = fileURLToPath(new URL('../core/src/protocol/index.ts', import.meta.url));

/**
 * The overlay the plugin serves from its dist: overlay.js, which every page loads (the badge, the
 * feed, plain DOM), and the files it imports on the panel's first open (the panel and the Svelte
 * runtime). The only import left outside them is the options module, which the plugin provides per
 * dev server.
 */
export default defineConfig({
	plugins: [svelte({ compilerOptions: { css: 'injected', runes: true } })],
	resolve: { alias: { '#messages': messages } },
	build: {
		target: 'es2022',
		minify: true,
		sourcemap: false,
		lib: { entry: 'src/main.ts', formats: ['es'], fileName: () => 'overlay.js' },
		rolldownOptions: {
			external: ['virtual:heapwatch-options'],
			// Lib mode keeps whitespace in ES output for the consumer's tree-shaking; nothing shakes these files, so minify fully.
			// overlay-panel.js, and overlay-shared.js for what both load (the message parsers, formatting).
			output: { minify: true, chunkFileNames: (chunk) => (chunk.isDynamicEntry ? 'overlay-[name].js' : 'overlay-shared.js') }
		}
	}
});
