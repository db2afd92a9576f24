import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import heapwatch from 'vite-plugin-heapwatch';

export default defineConfig({
	plugins: [sveltekit(), heapwatch()]
});
