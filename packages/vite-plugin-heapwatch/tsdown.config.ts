import { defineConfig } from 'tsdown';

export default defineConfig({
	entry: ['src/index.ts'],
	format: 'esm',
	platform: 'node',
	dts: { eager: true },
	// @heapwatch/core is private: bundled in, so users install one package.
	deps: { alwaysBundle: ['@heapwatch/core'] }
});
