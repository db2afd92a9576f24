import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const messages = fileURLToPath(new URL('../core/src/messages.ts', import.meta.url));

/**
 * One ESM file with the Svelte runtime in it, served by the plugin from its dist. The only import
 * left is the options module, which the plugin provides per dev server.
 */
export default defineConfig({
	plugins: [svelte({ compilerOptions: { css: 'injected', runes: true } })],
	resolve: { alias: { '#messages': messages } },
	build: {
		target: 'es2022',
		minify: true,
		sourcemap: false,
		lib: { entry: 'src/main.ts', formats: ['es'], fileName: () => 'overlay.js' },
		// Lib mode keeps whitespace in ES output for the consumer's tree-shaking; nothing shakes this file, so minify fully.
		rolldownOptions: { external: ['virtual:heapwatch-options'], output: { minify: true } }
	}
});
