import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../../../../scripts/lib/traffic.ts';
import { openOverlayPanel, type OverlayPage } from './overlay-page.ts';

// A big app's dev server (issue 12): with 400 MB more live heap, a forced GC would block for hundreds of
// ms, so heapwatch measures only after a pause in requests. It says why, once, where people look:
// the terminal and the overlay; otherwise routes just stay "warming".
let overlay: OverlayPage;

beforeAll(async () => {
	overlay = await openOverlayPanel({ ballastMb: 400 });
	for (let i = 0; i < 5; i++) expect(await get(overlay.server.url, `/lab/singleton?i=${i}`)).toBe(200);
}, 120_000);

afterAll(() => overlay?.close());

describe('a dev server with a big heap', () => {
	it('says once in the terminal that its forced GCs wait for quiet spells, with the heap and the pause', async () => {
		await expect.poll(() => overlay.server.linesWith('a full GC of it would block').length, { timeout: 30_000 }).toBe(1);
		const [line] = overlay.server.linesWith('a full GC of it would block');
		const [, heapMb, pauseMs] =
			/the live heap is ~(\d+) MB, and a full GC of it would block ~(\d+) ms: heapwatch now forces one only after 5 s without requests/.exec(line)!;
		expect(Number(heapMb)).toBeGreaterThan(300);
		expect(Number(pauseMs)).toBeGreaterThan(100);
	});

	it('says it in the overlay too', async () => {
		const note = overlay.page.locator('#heapwatch-panel [data-kind="quiet-spells"]');
		await note.waitFor({ timeout: 30_000 });
		expect(await note.textContent()).toContain('heapwatch measures after a pause in requests');
	});
});
