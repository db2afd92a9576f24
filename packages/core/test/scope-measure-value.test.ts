import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { measureValue, MEASURE_LIMITS } from '../src/scope/measure-value.ts';

describe('measureValue', () => {
	it('counts the entries of Maps, Sets, Arrays and plain objects', () => {
		expect(measureValue(new Map([[1, 'a']]), 'cache')).toEqual([{ path: 'cache', kind: 'Map', entries: 1 }]);
		expect(measureValue(new Set([1, 2]), 'seen')).toEqual([{ path: 'seen', kind: 'Set', entries: 2 }]);
		expect(measureValue([1, 2, 3], 'list')).toEqual([{ path: 'list', kind: 'Array', entries: 3 }]);
		expect(measureValue({ a: 1, b: 2 }, 'byId')).toEqual([{ path: 'byId', kind: 'Object', entries: 2 }]);
		expect(measureValue(42, 'hits')).toEqual([]);
		expect(measureValue(new WeakMap(), 'perRequest')).toEqual([]);
	});

	it('counts the listeners of an EventEmitter, all events together', () => {
		const emitter = new EventEmitter();
		emitter.on('a', () => {});
		emitter.on('a', () => {});
		emitter.on('b', () => {});
		expect(measureValue(emitter, 'updates')).toEqual([{ path: 'updates', kind: 'EventEmitter', entries: 3 }]);
	});

	it('counts the listeners of an EventTarget (a class of the app, an AbortSignal), all events together, and drops removed ones', () => {
		class PriceFeed extends EventTarget {}
		const feed = new PriceFeed();
		const remove = () => {};
		feed.addEventListener('tick', () => {});
		feed.addEventListener('tick', remove);
		feed.addEventListener('close', () => {});
		expect(measureValue(feed, 'feed')).toEqual([{ path: 'feed', kind: 'EventTarget', entries: 3 }]);
		feed.removeEventListener('tick', remove);
		expect(measureValue(feed, 'feed')).toEqual([{ path: 'feed', kind: 'EventTarget', entries: 2 }]);
		const signal = new AbortController().signal;
		signal.addEventListener('abort', () => {});
		expect(measureValue({ signal }, 'shutdown')).toEqual([
			{ path: 'shutdown', kind: 'Object', entries: 1 },
			{ path: 'shutdown.signal', kind: 'EventTarget', entries: 1 }
		]);
	});

	it('finds collections nested in records by name, and the largest value of a collection as [*]', () => {
		const state = {
			visits: [1, 2],
			users: new Map([
				['a', [1, 2, 3]],
				['b', [1]]
			])
		};
		expect(measureValue(state, 'state')).toEqual([
			{ path: 'state', kind: 'Object', entries: 2 },
			{ path: 'state.visits', kind: 'Array', entries: 2 },
			{ path: 'state.users', kind: 'Map', entries: 2 },
			{ path: 'state.users[*]', kind: 'Array', entries: 3 }
		]);
	});

	it('runs no code of the app: no Proxy trap, no getter, no overridden size', () => {
		const trap = () => {
			throw new Error('a trap ran');
		};
		const proxy = new Proxy(new Map(), { get: trap, getPrototypeOf: trap, ownKeys: trap, getOwnPropertyDescriptor: trap });
		expect(measureValue(proxy, 'proxied')).toEqual([]);
		const record = {
			get items() {
				throw new Error('a getter ran');
			}
		};
		expect(measureValue(record, 'record')).toEqual([{ path: 'record', kind: 'Object', entries: 1 }]);
		class Sized extends Map<number, number> {
			override get size(): number {
				throw new Error('a size getter ran');
			}
		}
		expect(measureValue(new Sized([[1, 1]]), 'sized')).toEqual([{ path: 'sized', kind: 'Map', entries: 1 }]);
		expect(measureValue({ inner: proxy }, 'outer')).toEqual([{ path: 'outer', kind: 'Object', entries: 1 }]);
	});

	it('stops at the depth and value caps', () => {
		const deep = { a: { b: { c: [1] } } };
		expect(measureValue(deep, 'deep').map((m) => m.path)).toEqual(['deep', 'deep.a', 'deep.a.b']);
		const many = new Map(Array.from({ length: 100 }, (_, i) => [i, Array.from({ length: i })]));
		expect(measureValue(many, 'many')[1]).toEqual({ path: 'many[*]', kind: 'Array', entries: MEASURE_LIMITS.nestedValues - 1 });
	});
});
