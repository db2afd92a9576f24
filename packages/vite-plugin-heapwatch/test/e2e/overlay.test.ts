import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgroundDir, repoRoot, startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { fresh, get, sleep } from '../../../../scripts/lib/traffic.ts';
import { launchChromium } from './browser.ts';

const LEAKY = '/lab/unbounded-cache/[id]';
const ROUTE_FILE = 'src/routes/lab/unbounded-cache/[id]/+page.server.ts';
const SCREENSHOT = path.join(repoRoot, 'docs', 'overlay.png');

let server: DevServer;
let browser: Browser;
let page: Page;

// Playwright's CSS locators pierce open shadow roots: these find elements inside <heapwatch-overlay>.
const badge = () => page.locator('#heapwatch-badge');
const panel = () => page.locator('#heapwatch-panel');
const row = (id: string) => page.locator(`heapwatch-overlay tr[data-route-id="${id}"]`);

beforeAll(async () => {
	server = await startDevServer();
	browser = await launchChromium();
	page = await browser.newPage({ viewport: { width: 1100, height: 720 }, colorScheme: 'light' });
	await page.goto(`${server.url}/`);
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

describe('the overlay in a real browser', () => {
	it('appears as a badge in an open shadow root of <heapwatch-overlay>', async () => {
		await badge().waitFor();
		const host = await page.evaluate(() => {
			const element = document.querySelector('heapwatch-overlay');
			return { count: document.querySelectorAll('heapwatch-overlay').length, mode: element?.shadowRoot?.mode };
		});
		expect(host).toEqual({ count: 1, mode: 'open' });
		await expect.poll(() => badge().innerText()).toMatch(/0 ⚠/);
		expect(await badge().getAttribute('aria-expanded')).toBe('false');
	});

	it('keeps the app styles out and its own styles in', async () => {
		await page.addStyleTag({ content: 'button { color: rgb(255, 0, 0) !important; font-size: 40px !important; }' });
		const style = await badge().evaluate((element) => getComputedStyle(element));
		expect(style.color).not.toBe('rgb(255, 0, 0)');
		expect(style.fontSize).toBe('12px');
		// Our styles live in the shadow root, not in the page's <head>.
		const leaked = await page.evaluate(() => [...document.head.querySelectorAll('style')].some((s) => s.textContent?.includes('heapwatch')));
		expect(leaked).toBe(false);
	});

	it('expands with the keyboard shortcut and collapses with Escape, focus back on the badge', async () => {
		await page.keyboard.press('Alt+Shift+KeyH');
		await panel().waitFor();
		await page.keyboard.press('Escape');
		await badge().waitFor();
		expect(await badge().evaluate((element) => (element.getRootNode() as ShadowRoot).activeElement === element)).toBe(true);
		await page.keyboard.press('Enter');
		await panel().waitFor();
	});

	it(`turns ${LEAKY} to leak while the page stays open, and counts the warning`, async () => {
		await page.evaluate(() => ((window as unknown as { heapwatchMarker: number }).heapwatchMarker = 1));
		// Someone else's traffic (another tab, curl): fresh ids, spaced so that heapwatch can take its
		// post-GC samples between requests.
		for (let i = 0; i < 25; i++) {
			expect(await get(server.url, fresh('/lab/unbounded-cache/{n}'))).toBe(200);
			await sleep(80);
		}
		await page.locator(`heapwatch-overlay tr[data-route-id="${LEAKY}"][data-verdict="leak"]`).waitFor({ timeout: 60_000 }).catch(async (error) => {
			console.log(await row(LEAKY).evaluate((r) => r.outerHTML).catch(() => 'no row'), JSON.stringify((await (await fetch(server.url + '/__heapwatch/report.json')).json()).routes.map((r: any) => [r.id, r.verdict, r.requests])), server.output().slice(-2000));
			throw error;
		});
		expect(await row(LEAKY).locator('td').first().innerText()).toBe(LEAKY);
		expect(await page.evaluate(() => (window as unknown as { heapwatchMarker?: number }).heapwatchMarker)).toBe(1);
		await expect.poll(() => page.locator('#heapwatch-warnings li').allInnerTexts()).toEqual([
			expect.stringMatching(/\/lab\/unbounded-cache\/\[id\] keeps \d+(\.\d)? KB per request/)
		]);
	});

	it('sorts the table by a column', async () => {
		await get(server.url, '/lab/singleton');
		await row('/lab/singleton').waitFor();
		const order = () => page.locator('heapwatch-overlay tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-route-id')));
		await page.locator('th button[data-sort="requests"]').click();
		expect((await order())[0]).toBe(LEAKY);
		await page.locator('th button[data-sort="requests"]').click();
		expect((await order()).at(-1)).toBe(LEAKY);
		expect(await page.locator('th[aria-sort="ascending"]').innerText()).toContain('Requests');
	});

	it('shows the route in detail, with its file linked to the editor, and saves a screenshot', async () => {
		await row(LEAKY).focus();
		await page.keyboard.press('Enter');
		const detail = page.locator('#heapwatch-detail');
		await detail.waitFor();
		expect(await detail.locator('h2').innerText()).toBe(LEAKY);
		const link = detail.getByRole('link', { name: ROUTE_FILE });
		const href = await link.getAttribute('href');
		expect(href).toBe(`/__open-in-editor?file=${encodeURIComponent(path.join(playgroundDir, ROUTE_FILE))}`);
		mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
		await page.screenshot({ path: SCREENSHOT });
	});

	it('highlights the route of the current page', async () => {
		await page.goto(`${server.url}${fresh('/lab/unbounded-cache/{n}')}`);
		await page.locator(`heapwatch-overlay tr[data-route-id="${LEAKY}"][aria-current="page"]`).waitFor();
		expect(await page.locator('heapwatch-overlay tr[aria-current="page"]').count()).toBe(1);
	});
});
