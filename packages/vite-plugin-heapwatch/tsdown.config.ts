import { defineConfig } from 'tsdown';

// Type declarations are for the published package, which `pnpm dev` and the tests do not need.
// `pnpm pack` and publishing build them (`build:types`, run by prepack).
const withTypes = process.env.HEAPWATCH_BUILD_TYPES === '1';

// rolldown-plugin-dts (tsc generator) reuses a TypeScript program only for the program's root files.
// Core reaches the build through node_modules/@heapwatch/core, so TypeScript sees its sources as an
// external library and emits no declarations for them unless they are roots: the plugin then made one
// whole new program per core file (32 programs, ~6 GB, measured). Making core's sources roots of the
// one program builds every declaration from it (~0.5 GB). Leaving out test/ keeps the test-only
// types (vitest, playwright, ajv) out of it. A package bundled later needs its sources here too, or
// build:types runs out of its 2 GB heap again.
const declarationRoots = ['src', '../core/src'];

export default defineConfig({
	entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', 'cli/index': 'src/cli/index.ts', 'production/index': 'src/production/index.ts' },
	format: 'esm',
	platform: 'node',
	dts: withTypes && { eager: true, tsconfigRaw: { include: declarationRoots } },
	// @heapwatch/core is private: bundled in, so users install one package.
	deps: { alwaysBundle: ['@heapwatch/core'] },
	// The overlay (overlay.js and the chunks it imports) is built first by pnpm (a workspace
	// devDependency); tsdown cleans dist, so copy after.
	copy: [{ from: '../overlay/dist/*.js', to: 'dist/overlay' }]
});
