import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { INSTRUMENTATION, TOOLING } from '@heapwatch/core';
import { createScriptClassifier } from '../../src/routes/classify-script.ts';
import { djb2, readRemoteFunctions, remoteArg } from '../../src/routes/remote-functions.ts';
import { matchRemoteFunction, readRouteTable } from '../../src/routes/route-table.ts';

/** A small app on disk: a route, a remote file, an instrumentation file importing a lib module and a package. */
function app(): string {
	const root = mkdtempSync(path.join(os.tmpdir(), 'heapwatch-classify-'));
	const write = (file: string, text: string) => {
		mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
		writeFileSync(path.join(root, file), text);
	};
	write('package.json', JSON.stringify({ imports: { '#lib/*': './src/lib/*' } }));
	write('src/routes/blog/+page.server.ts', 'export const load = () => ({});\n');
	write(
		'src/routes/blog/data.remote.ts',
		"import { query } from '$app/server';\nexport const getPosts = query(async () => []);\nexport const addPost = command('unchecked', async () => {});\n"
	);
	write(
		'src/instrumentation.server.ts',
		"import { NodeSDK } from '@opentelemetry/sdk-node';\nimport { exporter } from '#lib/telemetry/exporter.ts';\nnew NodeSDK({ exporter });\n"
	);
	write('src/lib/telemetry/exporter.ts', "import { helper } from './helper';\nexport const exporter = helper();\n");
	write('src/lib/telemetry/helper.ts', 'export const helper = () => ({});\n');
	write('src/lib/other.ts', 'export const other = 1;\n');
	return root;
}

describe('what an allocation stack frame belongs to', () => {
	const root = app();
	const classify = createScriptClassifier(root);
	const key = `${INSTRUMENTATION}src/instrumentation.server.ts`;

	it('gives route files their route, and Vite and heapwatch the tooling key', () => {
		expect(classify(path.join(root, 'src/routes/blog/+page.server.ts'))).toBe('/blog');
		expect(classify('/app/node_modules/vite/dist/node/chunks/dep.js')).toBe(TOOLING);
		expect(classify('/app/node_modules/.pnpm/vite@8.3.8_x/node_modules/vite/dist/node/module-runner.js')).toBe(TOOLING);
		expect(classify(fileURLToPath(import.meta.resolve('../../src/routes/classify-script.ts')))).toBe(TOOLING);
	});

	it('gives what instrumentation.server loads (its modules, transitively, and their packages) one key', () => {
		expect(classify(path.join(root, 'src/instrumentation.server.ts'))).toBe(key);
		expect(classify(path.join(root, 'src/lib/telemetry/exporter.ts'))).toBe(key);
		expect(classify(path.join(root, 'src/lib/telemetry/helper.ts'))).toBe(key);
		expect(classify('/app/node_modules/.pnpm/@opentelemetry+sdk-node@0.1/node_modules/@opentelemetry/sdk-node/build/src/sdk.js')).toBe(key);
		expect(classify(path.join(root, 'src/lib/other.ts'))).toBeUndefined();
		expect(classify('/app/node_modules/@opentelemetry/api/build/src/api/trace.js')).toBeUndefined();
	});
});

describe('remote functions', () => {
	const root = app();

	it('are rows keyed by file and export, served at Kit’s hash of the file', () => {
		const remotes = readRemoteFunctions(root);
		expect(remotes.map((entry) => entry.id)).toEqual(['remote:src/routes/blog/data.remote.ts#getPosts', 'remote:src/routes/blog/data.remote.ts#addPost']);
		const table = readRouteTable(root);
		const hash = djb2('src/routes/blog/data.remote.ts');
		expect(matchRemoteFunction(table, `/_app/remote/${hash}/getPosts`)?.file).toBe('src/routes/blog/data.remote.ts');
		expect(matchRemoteFunction(table, `/_app/remote/${hash}/getPostsX`)).toBeUndefined();
		expect(matchRemoteFunction(table, '/blog')).toBeUndefined();
	});

	it('hash as SvelteKit does, and encode an argument as its client does', () => {
		// Values from a Kit 3.2 dev server: /_app/remote/17dwtis/getReport for the lab's remote file.
		expect(djb2('src/routes/lab/remote-cache/data.remote.ts')).toBe('17dwtis');
		expect(remoteArg('abc')).toBe(Buffer.from('["abc"]').toString('base64url'));
	});
});
