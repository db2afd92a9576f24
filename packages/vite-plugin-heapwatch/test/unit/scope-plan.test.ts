import { parseAst } from 'vite';
import { describe, expect, it } from 'vitest';
import { planScope, type AstNode } from '../../src/scope/plan-scope.ts';

const plan = (code: string) => planScope(parseAst(code) as unknown as AstNode);
const written = (code: string) => {
	const result = plan(code);
	return result.writes.map((write) => code.slice(write.start, write.end));
};

describe('planScope', () => {
	it('lists top-level const, let and var bindings with simple names, exported or not', () => {
		const result = plan('const cache = new Map();\nexport let current;\nvar a = 1, b = 2;\nconst { x } = y;\nfunction f() { const inner = 1; }');
		expect(result.bindings.map(({ name, declaration }) => [name, declaration])).toEqual([
			['cache', 'const'],
			['current', 'let'],
			['a', 'var'],
			['b', 'var']
		]);
	});

	it('marks the bindings the module removes entries from', () => {
		const result = plan(
			'const lru = new Map(); const log = []; const seen = new Set(); const byId = {};\nfunction f(k) { lru.delete(k); log.length = 0; delete byId[k]; }'
		);
		expect(Object.fromEntries(result.bindings.map((binding) => [binding.name, binding.evicts]))).toEqual({ lru: true, log: true, seen: false, byId: true });
	});

	it('counts plain assignments to top-level lets inside functions, not counters, lazy inits or module evaluation', () => {
		const code = [
			'let current; let hits = 0; let table; let total = 0;',
			'current = "at evaluation";',
			'export function load(event) {',
			'  current = event.user;',
			'  hits++; hits += 1; hits = hits + 1;',
			'  table ??= build();',
			'  total = total * 2;',
			'}'
		].join('\n');
		expect(written(code)).toEqual(['current = event.user']);
		expect(plan(code).bindings.find((binding) => binding.name === 'current')?.writeSlot).toBe(0);
		expect(plan(code).bindings.find((binding) => binding.name === 'hits')?.writeSlot).toBe(-1);
	});

	it('counts a property of a top-level binding set from a parameter, not one set from module state', () => {
		const code = [
			'const session = {}; const config = { enabled: false };',
			'export async function load({ cookies, params }) {',
			"  session.user = cookies.get('user') ?? params.id;",
			'  config.enabled = !config.enabled;',
			'  session.at = Date.now();',
			'  session[params.id] = 1;',
			'  return { user: session.user };',
			'}'
		].join('\n');
		expect(written(code)).toEqual(["session.user = cookies.get('user') ?? params.id"]);
		expect(plan(code).properties).toEqual([expect.objectContaining({ name: 'session.user', writeSlot: 0 })]);
	});

	it('counts such a property only when code reads it back, the object is read whole, or the module exports it', () => {
		const load = (read: string) =>
			['const session = {};', 'export async function load({ params }) {', '  session.user = params.id;', `  ${read}`, '}'].join('\n');
		// Written and never read: a record no request looks at, not state another user sees.
		expect(plan(load('return { ok: true, other: other.session, session: 1 };')).properties).toEqual([]);
		expect(written(load('return 1;'))).toEqual([]);
		expect(plan(load('return session.user.toUpperCase();')).properties.map((p) => p.name)).toEqual(['session.user']);
		expect(plan(load('return { ...session };')).properties.map((p) => p.name)).toEqual(['session.user']);
		const exported = ['export const session = {};', 'export function load({ params }) { session.user = params.id; }'].join('\n');
		expect(plan(exported).properties.map((p) => p.name)).toEqual(['session.user']);
	});

	it('leaves assignments to a local of the same name alone', () => {
		const code = [
			'let current;',
			'function a(current) { current = 1; }',
			'function b() { let current; current = 2; }',
			'const c = () => { try {} catch (current) { current = 3; } };',
			'function d() { if (x) { current = 4; } }'
		].join('\n');
		expect(written(code)).toEqual(['current = 4']);
	});
});
