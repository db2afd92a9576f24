import { defineConfig } from 'tsdown';

// Type declarations are for the published package: generating them type-checks the whole program
// (~24 s and ~4.8 GB here, measured; Node's default heap ran out), which `pnpm dev` and the tests do
// not need. `pnpm pack` and publishing build them (`build:types`, run by prepack).
const withTypes = process.env.HEAPWATCH_BUILD_TYPES === '1';

export default defineConfig({
	entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', 'cli/index': 'src/cli/index.ts', 'production/index': 'src/production/index.ts' },
	format: 'esm',
	platform: 'node',
	dts: withTypes && { eager: true },
	// @heapwatch/core is private: bundled in, so users install one package.
	deps: { alwaysBundle: ['@heapwatch/core'] },
	// The overlay is built first by pnpm (a workspace devDependency); tsdown cleans dist, so copy after.
	copy: [{ from: '../overlay/dist/overlay.js', to: 'dist/overlay' }]
});
