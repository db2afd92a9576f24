import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchRoute, readRouteTable } from '../../src/routes/route-table.ts';
import { createScriptClassifier } from '../../src/routes/classify-script.ts';

const playground = path.resolve(import.meta.dirname, '../../../../playground');

describe('route table of the playground', () => {
	const table = readRouteTable(playground);

	it('reads route ids with groups and parameters, and their server file', () => {
		const byId = new Map(table.map((entry) => [entry.id, entry.file]));
		expect(byId.get('/lab/unbounded-cache/[id]')).toBe('src/routes/lab/unbounded-cache/[id]/+page.server.ts');
		expect(byId.get('/(app)/admin/[id]')).toBe('src/routes/(app)/admin/[id]/+page.server.ts');
		expect(byId.get('/api/items/[id]')).toBe('src/routes/api/items/[id]/+server.ts');
		expect(byId.get('/')).toBe('src/routes/+page.svelte');
	});

	it('matches URLs the way the fallback router needs', () => {
		expect(matchRoute(table, '/lab/pool/42')?.id).toBe('/lab/pool/[id]');
		expect(matchRoute(table, '/admin/7')?.id).toBe('/(app)/admin/[id]');
		expect(matchRoute(table, '/admin/7/__data.json')?.id).toBe('/(app)/admin/[id]');
		expect(matchRoute(table, '/lab/singleton')?.id).toBe('/lab/singleton');
		expect(matchRoute(table, '/')?.id).toBe('/');
		expect(matchRoute(table, '/no/such/page')).toBeUndefined();
	});
});

describe('script classifier', () => {
	const classify = createScriptClassifier('/app');

	it("maps a route's own files to its id", () => {
		expect(classify('/app/src/routes/blog/[slug]/+page.server.ts')).toBe('/blog/[slug]');
		expect(classify('/app/src/routes/api/x/+server.js')).toBe('/api/x');
		expect(classify('/app/src/routes/+page.svelte')).toBe('/');
		expect(classify('file:///app/src/routes/(app)/admin/+page.ts?v=123')).toBe('/(app)/admin');
	});

	it('keeps code that runs under many routes apart', () => {
		expect(classify('/app/src/routes/(app)/+layout.server.ts')).toBe('layout:src/routes/(app)/+layout.server.ts');
		expect(classify('/app/src/hooks.server.ts')).toBe('hooks:src/hooks.server.ts');
	});

	it('leaves libraries, Vite, Kit and shared modules to their caller', () => {
		expect(classify('/app/src/lib/db.ts')).toBeUndefined();
		expect(classify('/app/node_modules/@sveltejs/kit/src/runtime/server/respond.js')).toBeUndefined();
		expect(classify('node:internal/timers')).toBeUndefined();
		expect(classify('')).toBeUndefined();
	});
});
