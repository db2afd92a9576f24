import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgroundDir, playgroundLineOf, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { fresh, get, sleep } from '../../../../scripts/lib/traffic.ts';
import { openOverlayPanel, type OverlayPage } from '../e2e/overlay-page.ts';

const LEAKY = '/lab/visit-log/[id]';
const FILE = 'src/routes/lab/visit-log/[id]/+page.server.ts';
const SHARED = 'src/routes/lab/shared-user/[id]/+page.server.ts';

let overlay: OverlayPage | undefined;
let server: DevServer;
let page: Page;
const detail = () => page.locator('#heapwatch-detail');
const editorHref = (file: string, line: number) => `/__open-in-editor?file=${encodeURIComponent(`${path.join(playgroundDir, file)}:${line}`)}`;

beforeAll(async () => {
	overlay = await openOverlayPanel();
	({ server, page } = overlay);
	for (let round = 0; round < 30; round++) {
		for (const href of ['/lab/visit-log/{n}', '/lab/shared-user/{n}']) expect(await get(server.url, fresh(href))).toBe(200);
		await sleep(250);
	}
});

afterAll(() => overlay?.close());

describe('the overlay names what keeps a leak', () => {
	it("lists the keeper in the route's detail, linked to its declaration in the editor", async () => {
		const row = page.locator(`heapwatch-overlay tr[data-route-id="${LEAKY}"][data-verdict="leak"]`);
		await row.waitFor({ timeout: 60_000 });
		await row.focus();
		await page.keyboard.press('Enter');
		const keeper = detail().locator('.kept-by li').first();
		await keeper.waitFor();
		const line = playgroundLineOf(FILE, 'const visits');
		expect(await keeper.innerText()).toMatch(new RegExp(`^Set "visits" ${FILE.replace(/[[\]+.]/g, '\\$&')}:${line} \\+1\\.0 entries per request, \\d+ now$`));
		expect(await keeper.getByRole('link').getAttribute('href')).toBe(editorHref(FILE, line));
	});

	it('shows the shared-state finding in the warning list, with the binding linked to the editor', async () => {
		const warning = page.locator('#heapwatch-warnings li[data-kind="finding"]', { hasText: 'state shared across requests' });
		await warning.waitFor({ timeout: 60_000 });
		const line = playgroundLineOf(SHARED, 'let currentUser');
		expect(await warning.innerText()).toContain(`state shared across requests: "currentUser" at ${SHARED}:${line} is set by requests to /lab/shared-user/[id]`);
		expect(await warning.getByRole('link').getAttribute('href')).toBe(editorHref(SHARED, line));
	});
});
