import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { playgroundDir, startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { fresh, get, sleep } from '../../../../scripts/lib/traffic.ts';
import { launchChromium } from './browser.ts';
import { writeOverlayTestConfig } from './overlay-config.ts';

// Vite's watcher ignores node_modules, where the overlay's test config lives: this one, in the
// playground, re-exports it and is edited to make Vite restart.
const configFile = path.join(playgroundDir, 'vite.restart-e2e.config.ts');
const writeConfig = (overlayConfig: string, edit: number) =>
	writeFileSync(
		configFile,
		`// Written by test/e2e/restarts.test.ts, edited to make Vite restart, then deleted.\nexport { default } from ${JSON.stringify(overlayConfig)};\n// edit ${edit}\n`
	);

let server: DevServer;
let browser: Browser;
let page: Page;
const badge = () => page.locator('#heapwatch-badge');
const connected = async () => !(await badge().getAttribute('class'))?.includes('offline');
const restartsSeen = () => server.linesWith('server restarted.').length;

const overlayConfig = writeOverlayTestConfig();

beforeAll(async () => {
	writeConfig(overlayConfig, 0);
	server = await startDevServer({ args: ['--config', path.basename(configFile)] });
	browser = await launchChromium();
	page = await browser.newPage();
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	rmSync(configFile, { force: true });
});

it('an open page gets its overlay feed back after a Vite restart, with what the new server measures', async () => {
	await page.goto(`${server.url}/`);
	await badge().waitFor();
	await expect.poll(connected).toBe(true);

	writeConfig(overlayConfig, 1);
	await expect.poll(restartsSeen, { timeout: 30_000 }).toBe(1);
	await expect.poll(connected, { timeout: 30_000 }).toBe(true);
	// Measured after the restart: the route's count in the overlay can only come from the new feed.
	for (let i = 0; i < 3; i++) expect(await get(server.url, fresh('/lab/unbounded-cache/{n}'))).toBe(200);
	await sleep(500);
	await page.keyboard.press('Alt+Shift+KeyH');
	await expect.poll(() => page.locator('heapwatch-overlay tr[data-route-id="/lab/unbounded-cache/[id]"]').count(), { timeout: 30_000 }).toBe(1);
});
