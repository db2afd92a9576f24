import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let dir: string;
let tarball: string;

const list = () => String(execFileSync('tar', ['-tzf', tarball])).trim().split('\n');
const extract = (file: string) => String(execFileSync('tar', ['-xzOf', tarball, file], { maxBuffer: 64 * 1024 * 1024 }));

beforeAll(() => {
	dir = mkdtempSync(path.join(tmpdir(), 'heapwatch-pack-'));
	execFileSync('pnpm', ['pack', '--pack-destination', dir], { cwd: packageDir, stdio: 'pipe' });
	tarball = path.join(dir, readdirSync(dir).find((name) => name.endsWith('.tgz'))!);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the published tarball', () => {
	it('holds the plugin and the prebuilt overlay, and nothing from src or test', () => {
		const files = list();
		expect(files).toContain('package/dist/index.mjs');
		expect(files).toContain('package/dist/overlay/overlay.js');
		expect(files.filter((file) => /^package\/(src|test)\//.test(file))).toEqual([]);
	});

	it('ships the overlay with the Svelte runtime inside: its only import is our options module', () => {
		const overlay = extract('package/dist/overlay/overlay.js');
		expect(overlay).toContain('heapwatch-overlay');
		const imports = [...overlay.matchAll(/\bimport\s*(?:[\w${}\s,*]+from\s*)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']/g)].map((m) => m[1] ?? m[2]);
		expect(new Set(imports)).toEqual(new Set(['virtual:heapwatch-options']));
		const gzip = gzipSync(overlay, { level: 9 }).length;
		console.log(`overlay bundle: ${(overlay.length / 1024).toFixed(1)} KB, ${(gzip / 1024).toFixed(1)} KB gzip`);
		// A budget, so that a stray dependency in the overlay shows up here.
		expect(gzip).toBeLessThan(30 * 1024);
	});

	it('depends on ws at run time and on no workspace package', () => {
		const manifest = JSON.parse(extract('package/package.json'));
		expect(Object.keys(manifest.dependencies)).toContain('ws');
		expect(JSON.stringify(manifest)).not.toContain('workspace:');
		expect(JSON.stringify(manifest.dependencies)).not.toMatch(/svelte|@heapwatch/);
	});
});
