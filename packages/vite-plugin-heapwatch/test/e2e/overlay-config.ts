import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { playgroundDir } from '../../../../scripts/lib/dev-server.ts';

// Under node_modules, where Vite resolves the playground's dependencies from, as bench:overhead's configs.
const dir = path.join(playgroundDir, 'node_modules', '.heapwatch-e2e');

/** heapwatch's options for the tests of the overlay: shown in browsers driven by automation too. */
export const OVERLAY_IN_AUTOMATION = '{ overlay: { inAutomatedBrowsers: true } }';

const source = `
import heapwatch from 'vite-plugin-heapwatch';
import base from '../../vite.config.ts';

const isHeapwatch = (plugin) => Array.isArray(plugin) && plugin.some((p) => p?.name?.startsWith('heapwatch'));

export default { ...base, plugins: [...base.plugins.filter((plugin) => !isHeapwatch(plugin)), heapwatch(${OVERLAY_IN_AUTOMATION})] };
`;

/**
 * The playground's own vite.config.ts with the overlay shown in automated browsers, for the tests of
 * the overlay itself (by default it stays out of browsers driven by Playwright). Returns the path to
 * pass to `vite dev --config`.
 */
export function writeOverlayTestConfig(): string {
	mkdirSync(dir, { recursive: true });
	const file = path.join(dir, 'vite.config.ts');
	writeFileSync(file, source);
	return file;
}
