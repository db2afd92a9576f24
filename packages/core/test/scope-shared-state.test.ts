import { describe, expect, it } from 'vitest';
import type { FindingReport } from '../src/protocol/report.ts';
import type { ModuleScope } from '../src/scope/scope-registry.ts';
import { SharedState } from '../src/scope/shared-state.ts';

const FILE = '/app/src/routes/me/+page.server.ts';

function moduleWith(): ModuleScope {
	return {
		file: FILE,
		bindings: [{ name: 'current', line: 2, declaration: 'let', read: () => undefined, writeSlot: 0, evicts: true }],
		writes: new Uint32Array(1),
		instance: 1
	};
}

/** `times` samples in which requests to /me wrote the binding as many times as there were of them. */
function writeFromRequests(state: SharedState, module: ModuleScope, times: number, requests: number) {
	for (let i = 0; i < times; i++) {
		module.writes[0] += requests;
		state.sample(module, '/me', new Map([['/me', requests]]));
	}
}

function watch() {
	const changes: FindingReport[] = [];
	const state = new SharedState({ relative: (file) => file.replace('/app/', ''), onFindingChange: (finding) => changes.push(finding) });
	return { state, changes };
}

describe('shared state across requests', () => {
	it('reports a let that requests keep reassigning, with the route that writes it', () => {
		const { state, changes } = watch();
		const module = moduleWith();
		writeFromRequests(state, module, 3, 2);
		expect(state.report()).toEqual([
			expect.objectContaining({
				kind: 'shared-state',
				file: 'src/routes/me/+page.server.ts',
				verdict: 'leak',
				binding: { name: 'current', line: 2, writes: 6, writtenBy: ['/me'] }
			})
		]);
		expect(changes).toHaveLength(1);
	});

	it('does not report a let written once (lazy initialisation) or by a timer while no request runs', () => {
		const { state } = watch();
		const once = moduleWith();
		once.writes[0] = 1;
		state.sample(once, '/me', new Map([['/me', 1]]));
		for (let i = 0; i < 5; i++) state.sample(once, '/me', new Map([['/me', 1]]));
		expect(state.report()).toEqual([]);

		const timer = { ...moduleWith(), file: '/app/src/lib/latest.ts' };
		for (let i = 0; i < 5; i++) {
			timer.writes[0] += 3;
			state.sample(timer, undefined, new Map());
		}
		expect(state.report()).toEqual([]);
	});

	it('names, for a library module, the routes that had requests whenever it was written', () => {
		const { state } = watch();
		const module = { ...moduleWith(), file: '/app/src/lib/session.ts' };
		module.writes[0] = 2;
		state.sample(
			module,
			undefined,
			new Map([
				['/a', 1],
				['/b', 1]
			])
		);
		module.writes[0] = 4;
		state.sample(
			module,
			undefined,
			new Map([
				['/a', 2],
				['/c', 0]
			])
		);
		expect(state.report()[0].binding?.writtenBy).toEqual(['/a']);
	});

	it('forgets a replaced module instance', () => {
		const { state, changes } = watch();
		const module = moduleWith();
		writeFromRequests(state, module, 3, 1);
		state.replaced(FILE);
		expect(state.report()).toEqual([]);
		expect(changes.at(-1)?.verdict).toBe('ok');
	});
});
