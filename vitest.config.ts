import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	// The overlay's own alias (packages/overlay/vite.config.ts), for its unit tests.
	resolve: { alias: { '#messages': fileURLToPath(new URL('./packages/core/src/protocol/index.ts', import.meta.url)) } },
	test: {
		include: ['packages/*/test/**/*.test.ts'],
		// Integration and e2e tests each start a real `vite dev` child process; on two cores they run
		// one file at a time so that timing never decides a verdict.
		fileParallelism: false,
		testTimeout: 120_000,
		hookTimeout: 120_000
	}
});
