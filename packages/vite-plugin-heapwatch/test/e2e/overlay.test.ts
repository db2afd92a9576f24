import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgroundDir, repoRoot, startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { fresh, get, sleep, postForm, report } from '../../../../scripts/lib/traffic.ts';
import { launchChromium } from './browser.ts';
import { writeOverlayTestConfig } from './overlay-config.ts';
import type { RouteReport } from '../../src/index.ts';

const LEAKY = '/lab/unbounded-cache/[id]';
const ROUTE_FILE = 'src/routes/lab/unbounded-cache/[id]/+page.server.ts';
const INTERVAL = '/lab/interval/[id]';
const INTERVAL_FILE = 'src/routes/lab/interval/[id]/+page.server.ts';
// The picture in the README changes only when asked for; ordinary runs leave the repo as it was.
const SCREENSHOT =
	process.env.HEAPWATCH_UPDATE_SCREENSHOT === '1' ? path.join(repoRoot, 'docs', 'overlay.png') : path.join(tmpdir(), 'heapwatch-e2e', 'overlay.png');

let server: DevServer;
let browser: Browser;
let page: Page;

// Playwright's CSS locators pierce open shadow roots: these find elements inside <heapwatch-overlay>.
const badge = () => page.locator('#heapwatch-badge');
const panel = () => page.locator('#heapwatch-panel');
const row = (id: string) => page.locator(`heapwatch-overlay tr[data-route-id="${id}"]`);
const detail = () => page.locator('#heapwatch-detail');

/** Opens a route's detail from its row, with the keyboard. */
async function openDetail(id: string) {
	if ((await detail().count()) > 0 && (await detail().locator('h2').innerText()) === id) return;
	await row(id).focus();
	await page.keyboard.press('Enter');
	await detail().locator('h2', { hasText: id }).waitFor();
}

beforeAll(async () => {
	server = await startDevServer({ args: ['--config', writeOverlayTestConfig()] });
	browser = await launchChromium();
	page = await browser.newPage({ viewport: { width: 1100, height: 720 }, colorScheme: 'light' });
	await page.goto(`${server.url}/`);
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	// The capture's snapshots (gitignored, but tens of MB each); ours are all of LEAKY.
	const dir = path.join(playgroundDir, '.heapwatch');
	for (const file of existsSync(dir) ? readdirSync(dir) : []) {
		if (/-lab_unbounded-cache_id-(before|after)\.heapsnapshot$/.test(file)) rmSync(path.join(dir, file), { force: true });
	}
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
		// Then slowly, as someone reading each page, until it turns: on a loaded machine (a fresh clone's
		// first dev server optimizes its dependencies meanwhile) forced GCs are predicted over the pause cap
		// and samples wait for a quiet spell of 5 s, so 25 quick requests can leave too few points.
		const leaking = page.locator(`heapwatch-overlay tr[data-route-id="${LEAKY}"][data-verdict="leak"]`);
		for (let slow = 0; slow < 12 && !(await leaking.isVisible()); slow++) {
			await sleep(6_000);
			if (!(await leaking.isVisible())) expect(await get(server.url, fresh('/lab/unbounded-cache/{n}'))).toBe(200);
		}
		await leaking.waitFor({ timeout: 10_000 }).catch(async (error) => {
			console.log(
				await row(LEAKY)
					.evaluate((r) => r.outerHTML)
					.catch(() => 'no row'),
				JSON.stringify((await report(server.url)).routes.map((r: RouteReport) => [r.id, r.verdict, r.requests])),
				server.output().slice(-2000)
			);
			throw error;
		});
		expect(await row(LEAKY).locator('td').first().innerText()).toBe(LEAKY);
		expect(await page.evaluate(() => (window as unknown as { heapwatchMarker?: number }).heapwatchMarker)).toBe(1);
		await expect
			.poll(() => page.locator('#heapwatch-warnings li').allInnerTexts())
			.toEqual([expect.stringMatching(/\/lab\/unbounded-cache\/\[id\] keeps \d+(\.\d)? KB per request/)]);
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

	it('shows the route in detail, with its file linked to the editor', async () => {
		await row(LEAKY).focus();
		await page.keyboard.press('Enter');
		const detail = page.locator('#heapwatch-detail');
		await detail.waitFor();
		expect(await detail.locator('h2').innerText()).toBe(LEAKY);
		// Exact: the allocation sites below may link the same file with a line.
		const link = detail.getByRole('link', { name: ROUTE_FILE, exact: true });
		const href = await link.getAttribute('href');
		expect(href).toBe(`/__open-in-editor?file=${encodeURIComponent(path.join(playgroundDir, ROUTE_FILE))}`);
	});

	it('lists where the retained memory is allocated: function, file:line linked to the editor, bytes per request', async () => {
		await openDetail(LEAKY);
		const source = detail().locator('.sources li', { has: page.getByRole('link', { name: 'src/lib/lab/payload.ts:5', exact: true }) });
		await source.waitFor();
		expect(await source.getByRole('link').getAttribute('href')).toBe(
			`/__open-in-editor?file=${encodeURIComponent(`${path.join(playgroundDir, 'src/lib/lab/payload.ts')}:5`)}`
		);
		expect(await source.innerText()).toMatch(/^makeRecords src\/lib\/lab\/payload\.ts:5 \d+(\.\d)? KB per request$/);
	});

	it(`counts the live handles of ${INTERVAL}, lists where they are created, and warns`, async () => {
		for (let i = 0; i < 4; i++) {
			expect(await get(server.url, fresh('/lab/interval/{n}'))).toBe(200);
			await sleep(100);
		}
		await expect
			.poll(
				async () =>
					Number(
						await row(INTERVAL)
							.locator('td[data-handles]')
							.getAttribute('data-handles', { timeout: 1000 })
							.catch(() => 0)
					),
				{ timeout: 30_000 }
			)
			.toBeGreaterThanOrEqual(4);
		expect(Number(await row(INTERVAL).locator('td[data-handles]').innerText())).toBeGreaterThanOrEqual(4);
		await openDetail(INTERVAL);
		const site = detail().locator('.handle-sites li').first();
		await site.waitFor();
		expect(await site.innerText()).toMatch(new RegExp(`^setInterval every 1000 ms ${escape(INTERVAL_FILE)}:\\d+ × \\d+$`));
		expect(await site.getByRole('link').getAttribute('href')).toMatch(
			new RegExp(`^/__open-in-editor\\?file=${escape(encodeURIComponent(path.join(playgroundDir, INTERVAL_FILE)))}%3A\\d+$`)
		);
		expect(await detail().locator('dd.handles').innerText()).toMatch(/^\d+, ~\d+\.\d left per request$/);
		await expect
			.poll(() => page.locator('#heapwatch-warnings li[data-kind="handles"]').allInnerTexts(), { timeout: 30_000 })
			.toEqual([
				expect.stringMatching(
					new RegExp(`${escape(INTERVAL)} leaves \\d+\\.\\d handles per request \\(\\d+ alive\\): setInterval every 1000 ms at ${escape(INTERVAL_FILE)}:\\d+$`)
				)
			]);
	});

	it('answers "Why is it kept?" for the leaking route: the cost first, progress, then the variable, its file and the snapshots', async () => {
		await openDetail(LEAKY);
		const progress = detail().locator('.retainers .progress');
		await detail().getByRole('button', { name: 'Why is it kept?' }).click();
		// The cost, stated before the first snapshot and shown while the capture runs.
		await expect
			.poll(() =>
				progress
					.locator('.cost')
					.innerText({ timeout: 1000 })
					.catch(() => '')
			)
			.toMatch(
				/^Taking 2 heap snapshots around 5 requests to \/lab\/unbounded-cache\/\[id\]\. Each pauses the dev server for about \d+(\.\d)? m?s and writes about \d+ MB\.$/
			);
		await progress.locator('text=/\\d requests? still needed/').waitFor();
		for (let i = 0; i < 6; i++) {
			expect(await get(server.url, fresh('/lab/unbounded-cache/{n}'))).toBe(200);
			await sleep(100);
		}
		await detail().locator('.progress[data-state="done"], .progress[data-state="failed"]').waitFor({ timeout: 90_000 });
		expect(await progress.getAttribute('data-state'), await progress.innerText()).toBe('done');
		expect(await progress.locator('.variable code').innerText()).toBe('globalCache');
		const variableLink = progress.locator('.variable').getByRole('link');
		expect(await variableLink.innerText()).toMatch(new RegExp(`^${escape(ROUTE_FILE)}:\\d+$`));
		expect(await progress.locator('h4', { hasText: 'Grown between the snapshots' }).count()).toBe(1);
		expect(await progress.locator('table tbody tr').count()).toBeGreaterThan(0);
		expect(await progress.locator('.path li').count()).toBeGreaterThan(0);
		const downloads = progress.locator('.downloads a[download]');
		expect(await downloads.count()).toBe(2);
		const hrefs = await downloads.evaluateAll((links) => links.map((link) => link.getAttribute('href')!));
		for (const href of hrefs) {
			// A link cannot send a header: it carries the token in its query.
			expect(href).toMatch(/^\/__heapwatch\/snapshots\/[\w.-]+-(before|after)\.heapsnapshot\?token=[\w-]+$/);
			expect((await fetch(server.url + href, { method: 'HEAD' })).status).toBe(200);
		}
		expect(await progress.locator('.downloads').innerText()).toContain('Open them in Chrome DevTools, Memory tab');
		// The button stayed in place for the keyboard, and offers another capture.
		expect(await detail().locator('#heapwatch-retainers').innerText()).toBe('Capture again');
	});

	it('saves a screenshot of the expanded overlay with a leaking route in detail', async () => {
		await openDetail(LEAKY);
		// Tall enough for the table and the top of the detail, the retainer result below them.
		await page.setViewportSize({ width: 1100, height: 920 });
		await detail().evaluate((element) => element.scrollIntoView({ block: 'start' }));
		mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
		await page.screenshot({ path: SCREENSHOT });
		await page.setViewportSize({ width: 1100, height: 720 });
	});

	it('shows a request its client left half-way as aborted, in the table and in detail', async () => {
		const request = http.get(`${server.url}/lab/slow`, (response) => response.once('data', () => request.destroy()));
		request.on('error', () => {}); // our own destroy()
		const slow = row('/lab/slow');
		await slow.locator('.aborted').waitFor({ timeout: 30_000 });
		expect(await slow.locator('.aborted').getAttribute('title')).toBe('The client went away before the response finished');
		await openDetail('/lab/slow');
		expect(await detail().locator('dd.last').innerText()).toMatch(/^GET aborted by the client after (\d+ ms|\d+\.\d s)$/);
		expect(await get(server.url, '/lab/slow')).toBe(200);
		await expect.poll(() => detail().locator('dd.last').innerText()).toMatch(/^GET 200 in (\d+ ms|\d+\.\d s)$/);
		expect(await slow.locator('.aborted').count()).toBe(0);
	});

	it('highlights the route of the current page', async () => {
		await page.goto(`${server.url}${fresh('/lab/unbounded-cache/{n}')}`);
		await page.locator(`heapwatch-overlay tr[data-route-id="${LEAKY}"][aria-current="page"]`).waitFor();
		expect(await page.locator('heapwatch-overlay tr[aria-current="page"]').count()).toBe(1);
	});

	it('warns once for a hooks.server handle that keeps memory on every request, on its own file', async () => {
		// The lab's switch: hooks.server handle starts keeping every request in an array.
		expect(await postForm(server.url, '/lab/request-log?/toggle')).toBe(200);
		for (let round = 0; round < 30; round++) {
			for (const href of ['/lab/weakmap/{n}', '/lab/singleton', '/lab/big-transient/{n}']) expect(await get(server.url, fresh(href))).toBe(200);
			await sleep(100);
		}
		await expect
			.poll(() => page.locator('#heapwatch-warnings li[data-kind="finding"]').allInnerTexts(), { timeout: 60_000 })
			.toEqual([
				expect.stringMatching(
					/^\d\d:\d\d:\d\d src\/hooks\.server\.ts keeps \d+(\.\d)? KB per request on every request, allocated at src\/hooks\.server\.ts:\d+$/
				)
			]);
		const file = page.locator('#heapwatch-warnings li[data-kind="finding"]').getByRole('link', { name: 'src/hooks.server.ts', exact: true });
		expect(await file.getAttribute('href')).toBe(`/__open-in-editor?file=${encodeURIComponent(path.join(playgroundDir, 'src/hooks.server.ts'))}`);
	});
});

/** A literal for a RegExp. */
function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
