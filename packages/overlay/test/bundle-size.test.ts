import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

/** Issue 16: what every page with the overlay loads stays under 15 KB gzipped. */
const EVERY_PAGE_BUDGET = 15 * 1024;

// Static imports only (`import … from "./x.js"`): an `import("./x.js")` loads later, on demand.
const STATIC_IMPORT = /\bimport\s*(?:[\w$\s{},*]+from\s*)?["'`](\.\/[^"'`]+)["'`]/g;

/** overlay.js and every chunk it imports statically, recursively: what the browser fetches before the overlay runs. */
function loadedOnEveryPage(file = 'overlay.js', seen = new Set<string>()): Set<string> {
	if (seen.has(file)) return seen;
	seen.add(file);
	for (const [, specifier] of read(file).matchAll(STATIC_IMPORT)) loadedOnEveryPage(path.posix.normalize(specifier), seen);
	return seen;
}

function read(file: string): string {
	const full = path.join(dist, file);
	if (!existsSync(full)) throw new Error(`${full} is missing: run \`pnpm build\` first, these tests read the built overlay.`);
	return readFileSync(full, 'utf8');
}

/** Bytes after gzip at zlib's default level (6), each file compressed on its own as a server sends it. */
const gzipped = (file: string) => gzipSync(read(file)).length;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

describe('the built overlay', () => {
	it('loads under 15 KB gzipped on every page: overlay.js and what it imports statically, without the panel it imports on first open', () => {
		const files = [...loadedOnEveryPage()];
		const sizes = files.map((file) => `${file} ${kb(gzipped(file))}`).join(', ');
		const total = files.reduce((sum, file) => sum + gzipped(file), 0);
		console.log(`overlay on every page: ${kb(total)} gzip (${sizes})`);
		expect(total, `the overlay loads ${kb(total)} gzipped on every page (${sizes}); the budget is ${kb(EVERY_PAGE_BUDGET)} (issue 16)`).toBeLessThanOrEqual(
			EVERY_PAGE_BUDGET
		);
	});

	it('imports its panel on demand, from a file next to it', () => {
		const lazy = [...read('overlay.js').matchAll(/\bimport\(\s*["'`](\.\/[^"'`]+)["'`]\s*\)/g)].map((match) => match[1]);
		expect(lazy).toEqual(['./overlay-panel.js']);
		expect(loadedOnEveryPage().has('overlay-panel.js')).toBe(false);
		console.log(`overlay panel, on first open: ${kb(gzipped('overlay-panel.js'))} gzip`);
	});
});
