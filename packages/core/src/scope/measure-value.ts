import { EventEmitter } from 'node:events';
import { types } from 'node:util';

/** A collection found at a path from a module binding, and how many entries it holds now. */
export interface Measured {
	/**
	 * `cache`, `state.visits` (a named property), `byUser[*]`: the values of a collection, whose
	 * entries are those of the largest among its first few values (a value that grows, not new values).
	 */
	path: string;
	/** `EventEmitter`, `EventTarget`: its entries are its listeners, of all events. */
	kind: 'Map' | 'Set' | 'Array' | 'Object' | 'EventEmitter' | 'EventTarget';
	entries: number;
}

/**
 * Caps that keep a sample's cost proportional to the bindings, not to the heap: nested collections
 * are looked at two levels down, in the first few values of a collection, the first few properties
 * of a record, and a binding yields at most a few series.
 */
export const MEASURE_LIMITS = { depth: 2, nestedValues: 8, namedProperties: 16, seriesPerBinding: 24 };

// The built-in accessors and iterators, taken before any user code can replace them: reading a size
// through them never runs code of the app (a subclass's own `size` getter is not called either).
const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, 'size')!.get!;
const setSize = Object.getOwnPropertyDescriptor(Set.prototype, 'size')!.get!;
const mapValues = Map.prototype.values;
const setValues = Set.prototype.values;
const mapIteratorNext = Object.getPrototypeOf(new Map().values()).next as (this: Iterator<unknown>) => IteratorResult<unknown>;
const setIteratorNext = Object.getPrototypeOf(new Set().values()).next as (this: Iterator<unknown>) => IteratorResult<unknown>;
const ownKeys = Object.keys;
const describeOwn = Object.getOwnPropertyDescriptor;
const prototypeOf = Object.getPrototypeOf;

/**
 * The collections a value holds, without side effects: no Proxy is touched (a trap is user code), no
 * getter is called (own data properties only, read through their descriptors), and sizes come from
 * V8's built-ins. Counting the keys of a plain object is linear in its keys: the one cost that grows.
 */
export function measureValue(value: unknown, path: string): Measured[] {
	const out: Measured[] = [];
	visit(value, path, 0, out);
	return out;
}

function visit(value: unknown, path: string, depth: number, out: Measured[]): void {
	if (out.length >= MEASURE_LIMITS.seriesPerBinding || value === null || typeof value !== 'object' || types.isProxy(value)) return;
	const kind = kindOf(value);
	if (kind === 'Map') {
		out.push({ path, kind, entries: mapSize.call(value) as number });
		nested(firstValues(mapValues.call(value as Map<unknown, unknown>), mapIteratorNext), path, depth, out);
	} else if (kind === 'Set') {
		out.push({ path, kind, entries: setSize.call(value) as number });
		nested(firstValues(setValues.call(value as Set<unknown>), setIteratorNext), path, depth, out);
	} else if (kind === 'Array') {
		const array = value as unknown[];
		out.push({ path, kind, entries: array.length });
		const values: unknown[] = [];
		for (let i = 0; i < array.length && i < MEASURE_LIMITS.nestedValues; i++) values.push(dataProperty(array, String(i)));
		nested(values, path, depth, out);
	} else if (kind === 'EventEmitter') {
		out.push({ path, kind, entries: listenerCount(value as EventEmitter) });
	} else if (kind === 'EventTarget') {
		out.push({ path, kind, entries: targetListenerCount(value) });
	} else if (kind === 'Object' || kind === 'instance') {
		const keys = ownKeys(value);
		if (kind === 'Object') out.push({ path, kind, entries: keys.length });
		if (depth >= MEASURE_LIMITS.depth) return;
		if (keys.length <= MEASURE_LIMITS.namedProperties) {
			// A record (a few fixed properties): each collection in it is a series of its own.
			for (const key of keys) visit(dataProperty(value, key), `${path}.${key}`, depth + 1, out);
		} else {
			nested(
				keys.slice(0, MEASURE_LIMITS.nestedValues).map((key) => dataProperty(value, key)),
				path,
				depth,
				out
			);
		}
	}
}

/**
 * The collections among the first values of a collection, as one `path[*]` series per kind: the
 * largest one's entries. New values of a fixed size leave it flat (the collection's own count
 * shows them); one value that keeps growing (a Map of per-user lists) raises it.
 */
function nested(values: unknown[], path: string, depth: number, out: Measured[]): void {
	if (depth >= MEASURE_LIMITS.depth) return;
	const largest = new Map<Measured['kind'], number>();
	for (const value of values) {
		if (value === null || typeof value !== 'object' || types.isProxy(value)) continue;
		const inner: Measured[] = [];
		visit(value, '', MEASURE_LIMITS.depth, inner);
		const own = inner[0];
		if (own && own.path === '') largest.set(own.kind, Math.max(largest.get(own.kind) ?? 0, own.entries));
	}
	for (const [kind, entries] of largest) out.push({ path: `${path}[*]`, kind, entries });
}

function kindOf(value: object): Measured['kind'] | 'instance' | undefined {
	if (types.isMap(value)) return 'Map';
	if (types.isSet(value)) return 'Set';
	if (Array.isArray(value)) return 'Array';
	if (types.isWeakMap(value) || types.isWeakSet(value) || types.isPromise(value) || ArrayBuffer.isView(value)) return undefined;
	const proto = prototypeOf(value);
	if (proto === Object.prototype || proto === null) return 'Object';
	if (inherits(proto, EventEmitter.prototype)) return 'EventEmitter';
	if (inherits(proto, EventTarget.prototype)) return 'EventTarget';
	return 'instance';
}

/** Walks the prototype chain by hand: `instanceof` would run a Proxy's getPrototypeOf trap on the way. */
function inherits(proto: object | null, ancestor: object): boolean {
	for (let depth = 0; proto !== null && depth < 16; depth++) {
		if (types.isProxy(proto)) return false;
		if (proto === ancestor) return true;
		proto = prototypeOf(proto) as object | null;
	}
	return false;
}

function firstValues(iterator: Iterator<unknown>, next: (this: Iterator<unknown>) => IteratorResult<unknown>): unknown[] {
	const values: unknown[] = [];
	for (let i = 0; i < MEASURE_LIMITS.nestedValues; i++) {
		const result = next.call(iterator);
		if (result.done) break;
		values.push(result.value);
	}
	return values;
}

function dataProperty(object: object, key: PropertyKey): unknown {
	const descriptor = describeOwn(object, key);
	return descriptor && 'value' in descriptor ? descriptor.value : undefined;
}

/**
 * Listeners of all events of a Node EventTarget (an AbortSignal, a BroadcastChannel, a class of the
 * app's): Node keeps them in a Map under its own `kEvents` symbol, one entry per event type whose
 * `size` counts that type's listeners (Node 20 and 24). Read as data, never through a method.
 */
function targetListenerCount(target: object): number {
	const key = Object.getOwnPropertySymbols(target).find((symbol) => symbol.description === 'kEvents');
	const events = key === undefined ? undefined : dataProperty(target, key);
	if (events === null || typeof events !== 'object' || types.isProxy(events) || !types.isMap(events)) return 0;
	let count = 0;
	const byType = mapValues.call(events as Map<unknown, unknown>);
	for (let result = mapIteratorNext.call(byType); !result.done; result = mapIteratorNext.call(byType)) {
		const root = result.value;
		const size = root !== null && typeof root === 'object' && !types.isProxy(root) ? dataProperty(root, 'size') : undefined;
		if (typeof size === 'number') count += size;
	}
	return count;
}

/** Listeners of all events, read from the emitter's own `_events` record (no method of the app's is called). */
export function listenerCount(emitter: object): number {
	const events = dataProperty(emitter, '_events');
	if (events === null || typeof events !== 'object' || types.isProxy(events)) return 0;
	let count = 0;
	for (const key of Reflect.ownKeys(events)) {
		const listeners = dataProperty(events, key);
		count += typeof listeners === 'function' ? 1 : Array.isArray(listeners) ? listeners.length : 0;
	}
	return count;
}
