import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { launchChromium } from './browser.ts';

// The playground as its users run it: `heapwatch()` with default options. The page holds one button,
// one span, one input and one link of its own.
const PAGE = '/lab/plain-ui';

let server: DevServer;
let browser: Browser;

beforeAll(async () => {
	server = await startDevServer();
	browser = await launchChromium();
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

/**
 * Opens the page and waits until anything that would add the overlay has run: Vite's client
 * connected (the overlay is imported at its end), the page hydrated, and the network quiet.
 */
async function openPlainPage(page: Page): Promise<void> {
	const connected = page.waitForEvent('console', (message) => message.text().includes('[vite] connected'));
	await page.goto(`${server.url}${PAGE}`);
	await connected;
	await page.waitForLoadState('networkidle');
}

/** What has focus after each Tab press, looking through shadow roots to the focused element itself. */
async function tabOrder(page: Page, presses: number): Promise<string[]> {
	const order: string[] = [];
	for (let i = 0; i < presses; i++) {
		await page.keyboard.press('Tab');
		order.push(
			await page.evaluate(() => {
				let element = document.activeElement;
				while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
				return element ? `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}` : 'none';
			})
		);
	}
	return order;
}

describe("an app's own Playwright tests, with heapwatch on (default options)", () => {
	it('see exactly the page: generic locators resolve to its own elements, in strict mode, and Tab never reaches heapwatch', async () => {
		const page = await browser.newPage();
		await openPlainPage(page);
		expect(await page.evaluate(() => navigator.webdriver)).toBe(true);
		expect(await tabOrder(page, 4)).toEqual(['button', 'input', 'a', 'body']);

		// Strict mode: each of these throws when its locator resolves to more than one element.
		await page.locator('button').click();
		expect(await page.locator('span').innerText()).toBe('1');
		expect(await page.getByRole('button').innerText()).toBe('update');
		await page.getByRole('textbox').fill('Ada');
		expect(await page.locator('button').count()).toBe(1);
		expect(await page.locator('span').count()).toBe(1);
		expect(await page.getByRole('link').count()).toBe(1);

		// Nothing of heapwatch in the DOM, and not even its module loaded.
		expect(await page.locator('heapwatch-overlay, [id^="heapwatch-"]').count()).toBe(0);
		const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name));
		expect(loaded.filter((url) => /heapwatch/.test(url))).toEqual([]);
		await page.close();
	});

	it("still shows the overlay in a person's browser (navigator.webdriver false), where the same locators would find it", async () => {
		const page = await browser.newPage();
		await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => false }));
		await openPlainPage(page);
		await page.locator('#heapwatch-badge').waitFor();
		expect(await page.locator('button').count()).toBe(2);
		await expect(page.locator('button').click({ timeout: 2000 })).rejects.toThrow(/strict mode violation/);
		await page.close();
	});
});
