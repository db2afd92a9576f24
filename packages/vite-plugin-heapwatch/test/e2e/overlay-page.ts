import type { Browser, Page } from 'playwright-core';
import { startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { launchChromium } from './browser.ts';
import { BALLAST_ENV, writeBenchConfig } from '../../../../scripts/lib/bench-config.ts';
import { OVERLAY_IN_AUTOMATION, writeOverlayTestConfig } from './overlay-config.ts';

export interface OverlayPage {
	server: DevServer;
	page: Page;
	/** Closes the browser, then stops the dev server. */
	close(): Promise<void>;
}

/**
 * The playground's dev server with the overlay shown to automation, and a page of it with the panel open.
 * `ballastMb`: the server keeps that much more live heap, as a big app's does.
 */
export async function openOverlayPanel({ ballastMb = 0 }: { ballastMb?: number } = {}): Promise<OverlayPage> {
	// A bench server's config carries the ballast (scripts/lib/bench-config.ts), with the same overlay option.
	const server =
		ballastMb > 0
			? await startDevServer({ args: ['--config', writeBenchConfig(true, OVERLAY_IN_AUTOMATION)], env: { [BALLAST_ENV]: String(ballastMb) } })
			: await startDevServer({ args: ['--config', writeOverlayTestConfig()] });
	let browser: Browser | undefined;
	const close = async () => {
		await browser?.close();
		await server.stop();
	};
	try {
		browser = await launchChromium();
		const page = await browser.newPage({ viewport: { width: 1100, height: 720 } });
		await page.goto(`${server.url}/`);
		await page.locator('#heapwatch-badge').waitFor();
		await page.keyboard.press('Alt+Shift+KeyH');
		await page.locator('#heapwatch-panel').waitFor();
		return { server, page, close };
	} catch (error) {
		await close();
		throw error;
	}
}
