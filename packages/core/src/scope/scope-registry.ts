/**
 * The top-level bindings of the app's server modules, as the SSR transform of vite-plugin-heapwatch
 * registers them when a module instance evaluates. Process-wide, on globalThis under a Symbol.for
 * key (the transformed modules run in the module runner and cannot import us), and kept across Vite
 * restarts: a restarted server evaluates its modules anew and they register again.
 */
export const SCOPE_REGISTRY_KEY = 'heapwatch:scope';

/** One top-level `const`, `let` or `var` of a module. */
export interface ModuleBinding {
	name: string;
	/** 1-based line of the declaration in the source file. */
	line: number;
	declaration: 'const' | 'let' | 'var';
	/** Returns the binding's current value: a closure of the module's own, never a user getter. */
	read: () => unknown;
	/** Index into the module's write counters for a `let` that functions assign to, else -1. */
	writeSlot: number;
	/** The module removes entries from it somewhere (`delete`, `clear`, `shift`, `splice`...): it may be bounded. */
	evicts: boolean;
}

export interface ModuleScope {
	/** Absolute path of the module's file. */
	file: string;
	bindings: ModuleBinding[];
	/** Bumped by the module's functions on each plain assignment (`x = ...`) to a watched `let`. */
	writes: Uint32Array;
	/** Increments with every new instance of any module (an HMR edit evaluates the file again). */
	instance: number;
}

/** What the transformed code passes: [name, line, declaration, read, writeSlot, evicts]. */
export type BindingTuple = [string, number, ModuleBinding['declaration'], () => unknown, number, 0 | 1];

/** Guards our own memory: an app has far fewer server modules than this. */
const MAX_MODULES = 5000;
const MAX_BINDINGS = 200;

export class ScopeRegistry {
	#modules = new Map<string, ModuleScope>();
	#instances = 0;

	/**
	 * Called by a module instance as it finishes evaluating. A new instance of the same file replaces
	 * the old registration, so a replaced module is not kept alive by us however often it is edited.
	 */
	register(file: string, bindings: BindingTuple[], writes: Uint32Array): void {
		if (typeof file !== 'string' || !Array.isArray(bindings)) return;
		if (!this.#modules.has(file) && this.#modules.size >= MAX_MODULES) return;
		this.#modules.set(file, {
			file,
			bindings: bindings
				.slice(0, MAX_BINDINGS)
				.map(([name, line, declaration, read, writeSlot, evicts]) => ({ name, line, declaration, read, writeSlot, evicts: evicts === 1 })),
			writes,
			instance: ++this.#instances
		});
	}

	modules(): IterableIterator<ModuleScope> {
		return this.#modules.values();
	}

	get size(): number {
		return this.#modules.size;
	}
}

/** The process's registry, created on first use and shared by every dev server of the process. */
export function scopeRegistry(): ScopeRegistry {
	const key = Symbol.for(SCOPE_REGISTRY_KEY);
	const global = globalThis as Record<symbol, unknown>;
	if (!(global[key] instanceof ScopeRegistry)) global[key] = new ScopeRegistry();
	return global[key] as ScopeRegistry;
}
