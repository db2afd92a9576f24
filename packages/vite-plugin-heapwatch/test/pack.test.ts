import { execFileSync, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../scripts/lib/dev-server.ts';
import { packPlugin, type PackedPlugin } from './pack-plugin.ts';

let packed: PackedPlugin;
let tarball: string;

const list = () =>
	String(execFileSync('tar', ['-tzf', tarball]))
		.trim()
		.split('\n');
const extract = (file: string) => String(execFileSync('tar', ['-xzOf', tarball, file], { maxBuffer: 64 * 1024 * 1024 }));
/** GNU tar's verbose listing: mode, owner, size, date, time, name. */
const unpackedBytes = () =>
	String(execFileSync('tar', ['-tvzf', tarball]))
		.trim()
		.split('\n')
		.reduce((sum, line) => sum + Number(line.split(/\s+/)[2]), 0);
/** Runs a CLI of the workspace's devDependencies; its exit code and everything it printed. */
const runBin = (bin: string, args: string[]) => {
	const result = spawnSync(path.join(repoRoot, 'node_modules', '.bin', bin), args, {
		encoding: 'utf8',
		env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }
	});
	return { status: result.status, output: `${result.stdout}${result.stderr}` };
};

beforeAll(() => {
	packed = packPlugin();
	tarball = packed.tarball;
});

afterAll(() => packed?.remove());

describe('the published tarball', () => {
	it('holds the plugin, the prebuilt overlay, the README and the LICENSE, and nothing else but package.json', () => {
		const files = list();
		expect(files).toEqual(
			expect.arrayContaining([
				'package/dist/index.mjs',
				'package/dist/production/index.mjs',
				'package/dist/production/index.d.mts',
				'package/dist/overlay/overlay.js',
				'package/dist/overlay/overlay-panel.js',
				'package/README.md',
				'package/LICENSE'
			])
		);
		expect(files.filter((file) => !/^package\/(dist\/.+|README\.md|LICENSE|package\.json)$/.test(file))).toEqual([]);
		expect(extract('package/LICENSE')).toContain('MIT License');
		console.log(`tarball: ${files.length} files, ${(statSync(tarball).size / 1024).toFixed(1)} KB packed, ${(unpackedBytes() / 1024).toFixed(1)} KB unpacked`);
	});

	it('passes publint: exports, files and package.json fields agree', () => {
		const { status, output } = runBin('publint', ['run', tarball]);
		console.log(output);
		expect(status, output).toBe(0);
	});

	it('passes attw: every entry point has types that resolve as an ESM-only package', () => {
		// esm-only: the package has no CommonJS build, so require() resolutions are not checked.
		const { status, output } = runBin('attw', [tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-color', '--no-emoji']);
		console.log(output);
		expect(status, output).toBe(0);
	});

	it('ships the overlay with the Svelte runtime inside: its only import besides its own files is our options module', () => {
		// overlay.js and the chunks it imports from its folder (packages/overlay/vite.config.ts).
		const files = list().filter((file) => file.startsWith('package/dist/overlay/'));
		const code = files.map(extract).join('\n');
		expect(extract('package/dist/overlay/overlay.js')).toContain('heapwatch-overlay');
		const imports = [...code.matchAll(/\bimport\s*(?:[\w${}\s,*]+from\s*)?["'`]([^"'`]+)["'`]|\bimport\(\s*["'`]([^"'`]+)["'`]/g)].map((m) => m[1] ?? m[2]);
		const own = imports.filter((specifier) => specifier.startsWith('./'));
		expect(new Set(imports.filter((specifier) => !own.includes(specifier)))).toEqual(new Set(['virtual:heapwatch-options']));
		for (const specifier of own) expect(files).toContain(path.posix.join('package/dist/overlay', specifier));
		const gzip = files.reduce((sum, file) => sum + gzipSync(extract(file), { level: 9 }).length, 0);
		console.log(`overlay bundle: ${files.length} files, ${(code.length / 1024).toFixed(1)} KB, ${(gzip / 1024).toFixed(1)} KB gzip`);
		// A budget, so that a stray dependency in the overlay shows up here; what every page loads has its own (packages/overlay/test/bundle-size.test.ts).
		expect(gzip).toBeLessThan(30 * 1024);
	});

	it('has a production entry that loads neither Vite, Kit nor the dev plugin: only Node and @opentelemetry/api', () => {
		const bare = new Set<string>();
		const seen = new Set<string>();
		const visit = (file: string) => {
			if (seen.has(file)) return;
			seen.add(file);
			for (const match of extract(file).matchAll(/^(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|^import\s*["']([^"']+)["']/gm)) {
				const specifier = match[1] ?? match[2];
				if (specifier.startsWith('.')) visit(path.posix.join(path.posix.dirname(file), specifier));
				else bare.add(specifier);
			}
		};
		visit('package/dist/production/index.mjs');
		expect([...bare].filter((specifier) => !specifier.startsWith('node:'))).toEqual(['@opentelemetry/api']);
	});

	it('depends on ws at run time and on no workspace package', () => {
		const manifest = JSON.parse(extract('package/package.json'));
		expect(Object.keys(manifest.dependencies)).toContain('ws');
		expect(JSON.stringify(manifest)).not.toContain('workspace:');
		expect(JSON.stringify(manifest.dependencies)).not.toMatch(/svelte|@heapwatch/);
	});
});
