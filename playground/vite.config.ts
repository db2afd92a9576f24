import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import heapwatch from 'vite-plugin-heapwatch';

export default defineConfig({
	// Remote functions (`*.remote.ts`) are used by the lab's remote-cache pair.
	// HEAPWATCH_ASYNC_ALLOCATIONS=1 pnpm dev tries the experimental attribution of async allocations.
	plugins: [sveltekit({ experimental: { remoteFunctions: true } }), heapwatch({ attributeAsyncAllocations: process.env.HEAPWATCH_ASYNC_ALLOCATIONS === '1' })]
});
