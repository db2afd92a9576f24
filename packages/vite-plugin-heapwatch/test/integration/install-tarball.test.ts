import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgroundDir, repoRoot, startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { get, report } from '../../../../scripts/lib/traffic.ts';
import type { Report } from '../../src/index.ts';
import { packageDir, packPlugin, type PackedPlugin } from '../pack-plugin.ts';

// The README's way to use the plugin before it is on the registry: pack it, then
// `pnpm add -D /path/to/vite-plugin-heapwatch-<version>.tgz` in an app outside this workspace.
// The app is a minimal SvelteKit 3 one, pinned to the versions the workspace installed, so that pnpm
// takes them from the store that `pnpm install` of the workspace filled (fast, and offline where it can).

const STACK = ['@sveltejs/kit', '@sveltejs/vite-plugin-svelte', 'svelte', 'vite'];
const installedVersion = (dir: string, pkg: string) => JSON.parse(readFileSync(path.join(dir, 'node_modules', pkg, 'package.json'), 'utf8')).version as string;

function writeApp(dir: string) {
	const devDependencies = Object.fromEntries(STACK.map((pkg) => [pkg, installedVersion(playgroundDir, pkg)]));
	const files: Record<string, string> = {
		'package.json': JSON.stringify({ name: 'heapwatch-tarball-app', private: true, type: 'module', devDependencies }, null, 2),
		// Kit 3 takes its config in sveltekit({...}) here; a svelte.config.js would be rejected.
		'vite.config.js': [
			"import { sveltekit } from '@sveltejs/kit/vite';",
			"import { defineConfig } from 'vite';",
			"import heapwatch from 'vite-plugin-heapwatch';",
			'',
			'export default defineConfig({ plugins: [sveltekit(), heapwatch()] });'
		].join('\n'),
		'src/app.html': '<!doctype html>\n<html lang="en">\n\t<head>%sveltekit.head%</head>\n\t<body>%sveltekit.body%</body>\n</html>\n',
		'src/routes/+page.svelte': '<h1>Installed from a tarball</h1>\n'
	};
	for (const [file, text] of Object.entries(files)) {
		mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
		writeFileSync(path.join(dir, file), text);
	}
}

/**
 * pnpm as a user runs it in their own app: none of the variables `pnpm test` set for its scripts, and no
 * lockfile to freeze (pnpm freezes it by default when CI=true).
 */
function pnpm(cwd: string, args: string[]) {
	const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm_|pnpm_)/i.test(name)));
	execFileSync('pnpm', [...args, '--prefer-offline', '--no-frozen-lockfile'], { cwd, env, stdio: 'pipe' });
}

let packed: PackedPlugin;
let app: string;
let server: DevServer;
let final: Report;

beforeAll(async () => {
	packed = packPlugin();
	app = mkdtempSync(path.join(tmpdir(), 'heapwatch-app-'));
	writeApp(app);
	pnpm(app, ['install']);
	pnpm(app, ['add', '-D', packed.tarball]);
	server = await startDevServer({ cwd: app });
	expect(await get(server.url, '/')).toBe(200);
	final = await report(server.url);
});

afterAll(async () => {
	await server?.stop();
	if (app) rmSync(app, { recursive: true, force: true });
	packed?.remove();
});

describe('the packed tarball, installed into an app outside the workspace', () => {
	it('is the installed copy, not a link into this repository', () => {
		const installed = realpathSync(path.join(app, 'node_modules', 'vite-plugin-heapwatch'));
		expect(installed.startsWith(repoRoot)).toBe(false);
		expect(installedVersion(app, 'vite-plugin-heapwatch')).toBe(JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')).version);
	});

	it('measures the page it served: report.json names its route', () => {
		expect(final.routes.find((route) => route.id === '/')?.requests).toBe(1);
		expect(server.output()).toContain('[heapwatch] measuring server memory per route');
		expect(server.output()).not.toContain("could not find SvelteKit's generated hooks module");
	});

	it("serves the overlay module through Vite's client, with its options", async () => {
		const client = await (await fetch(`${server.url}/@vite/client`)).text();
		const overlayUrl = client.match(/import\("([^"]*\/vite-plugin-heapwatch\/dist\/overlay\/overlay\.js)"\)/)?.[1];
		expect(overlayUrl, 'the overlay import appended to /@vite/client').toBeDefined();
		const overlay = await fetch(server.url + overlayUrl);
		expect(overlay.status).toBe(200);
		const code = await overlay.text();
		expect(code).toContain('heapwatch-overlay');
		const optionsUrl = code.match(/from\s*"([^"]*virtual:heapwatch-options)"/)?.[1];
		expect(optionsUrl, 'the options import of the overlay').toBeDefined();
		const options = await (await fetch(server.url + optionsUrl)).text();
		expect(options).toMatch(/^export default \{.*"transport":\{/);
	});

	it('serves the chunks the overlay imports from the installed package: the shared code, and the panel on first open', async () => {
		const client = await (await fetch(`${server.url}/@vite/client`)).text();
		const overlayUrl = new URL(client.match(/import\("([^"]*\/vite-plugin-heapwatch\/dist\/overlay\/overlay\.js)"\)/)![1], server.url);
		const code = await (await fetch(overlayUrl)).text();
		const chunks = [...code.matchAll(/["'`]([^"'`]*\/?overlay-[\w-]+\.js(?:\?[^"'`]*)?)["'`]/g)].map((match) => new URL(match[1], overlayUrl));
		expect(chunks.map((url) => path.posix.basename(url.pathname)).sort()).toEqual(['overlay-panel.js', 'overlay-shared.js']);
		for (const url of chunks) {
			const response = await fetch(url);
			expect(response.status, url.pathname).toBe(200);
			const chunk = await response.text();
			if (url.pathname.endsWith('overlay-panel.js')) expect(chunk).toContain('heapwatch-panel');
		}
	});
});
