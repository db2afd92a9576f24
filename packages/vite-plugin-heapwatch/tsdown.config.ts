import { defineConfig } from 'tsdown';

export default defineConfig({
	entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', 'cli/index': 'src/cli/index.ts' },
	format: 'esm',
	platform: 'node',
	dts: { eager: true },
	// @heapwatch/core is private: bundled in, so users install one package.
	deps: { alwaysBundle: ['@heapwatch/core'] },
	// The overlay is built first by pnpm (a workspace devDependency); tsdown cleans dist, so copy after.
	copy: [{ from: '../overlay/dist/overlay.js', to: 'dist/overlay' }]
});
