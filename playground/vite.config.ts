import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import heapwatch from 'vite-plugin-heapwatch';

export default defineConfig({
	// Remote functions (`*.remote.ts`) are used by the lab's remote-cache pair.
	plugins: [sveltekit({ experimental: { remoteFunctions: true } }), heapwatch()]
});
