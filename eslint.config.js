// Lint for what the type checker does not catch: unused code, unsafe patterns, Svelte mistakes.
// Formatting is prettier's (.prettierrc), and types are tsc's and svelte-check's (`pnpm typecheck`).
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default ts.config(
	{ ignores: ['**/dist/', '**/node_modules/', '**/.svelte-kit/', 'bench-results/', 'packages/vite-plugin-heapwatch/test/fixtures/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{ languageOptions: { globals: { ...globals.node, ...globals.browser } } },
	{ files: ['**/*.svelte', '**/*.svelte.ts'], languageOptions: { parserOptions: { parser: ts.parser } } },
	// `_` names what a destructuring leaves out on purpose.
	{ rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }] } }
);
