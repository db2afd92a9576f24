/** The ESTree shape we read (Rollup's and Rolldown's `this.parse` both give it, with offsets). */
export interface AstNode {
	type: string;
	start: number;
	end: number;
	[key: string]: unknown;
}

/** What the SSR transform adds to one module, decided from its AST. */
export interface ScopePlan {
	bindings: PlannedBinding[];
	/**
	 * Properties of top-level bindings that functions set from their parameters (`session.user =
	 * cookies.get('user')`) and that code of a function reads back (or the binding is exported, or
	 * read whole): request data in one object for everyone to see. Each has a write counter.
	 */
	properties: { name: string; binding: PlannedBinding; writeSlot: number }[];
	/** Plain assignments (`x = ...`) to a watched `let` inside functions: each bumps the binding's write counter. */
	writes: { start: number; end: number; slot: number }[];
	/** Write counters the module needs (one per `let` that functions assign to). */
	slots: number;
}

export interface PlannedBinding {
	name: string;
	declaration: 'const' | 'let' | 'var';
	/** Offset of the declarator in the transformed code (for a line when the source has none). */
	start: number;
	evicts: boolean;
	writeSlot: number;
}

/** Calls and writes that take entries out of a collection or listeners off an emitter. */
const EVICTING_METHODS = new Set(['delete', 'clear', 'shift', 'pop', 'splice', 'removeListener', 'off', 'removeAllListeners']);
const FUNCTION = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
/** Guards the transform's cost on a generated or minified giant: such modules are not watched. */
const MAX_NODES = 200_000;

/**
 * Reads a module's top-level `const`/`let`/`var` bindings (simple names; destructuring is left out),
 * whether the module removes entries from them somewhere (a sign of a bounded cache), and where its
 * functions reassign its top-level `let`s with a plain `=` that does not read the binding itself (a
 * counter `hits = hits + 1` does; `hits++` and `+=` are updates, never counted; `??=` and `||=` are
 * lazy initialisation), or set a named property of a top-level binding from their parameters
 * (`session.user = cookies.get('user')`; `config.enabled = !config.enabled` reads no parameter). A
 * local of the same name shadows the binding in its whole function.
 */
export function planScope(program: AstNode): ScopePlan {
	const bindings: PlannedBinding[] = [];
	/** Top-level names other modules can read: `export const`, `export { name }`. */
	const exported = new Set<string>();
	for (const statement of program.body as AstNode[]) {
		if (statement.type === 'ExportNamedDeclaration' && !statement.source) {
			for (const specifier of (statement.specifiers as AstNode[] | undefined) ?? []) exported.add((specifier.local as AstNode).name as string);
		}
		const declaration = statement.type === 'ExportNamedDeclaration' ? (statement.declaration as AstNode | null) : statement;
		if (declaration?.type !== 'VariableDeclaration') continue;
		for (const declarator of declaration.declarations as AstNode[]) {
			const id = declarator.id as AstNode;
			if (id.type !== 'Identifier') continue;
			if (statement.type === 'ExportNamedDeclaration') exported.add(id.name as string);
			bindings.push({
				name: id.name as string,
				declaration: declaration.kind as PlannedBinding['declaration'],
				start: declarator.start,
				evicts: false,
				writeSlot: -1
			});
		}
	}
	const plan: ScopePlan = { bindings, properties: [], writes: [], slots: 0 };
	if (bindings.length === 0) return plan;
	const byName = new Map(bindings.map((binding) => [binding.name, binding]));
	const names = new Set(byName.keys());
	const lets = new Set(bindings.filter((binding) => binding.declaration !== 'const').map((binding) => binding.name));
	const properties = new Map<string, ScopePlan['properties'][number]>();
	/** `binding.property` read in a function (not written), and bindings read whole there (`return session`). */
	const readProperties = new Set<string>();
	const readWhole = new Set<string>();
	/** Nodes that are written, or that are the object of a member expression: not reads of a whole binding. */
	const notReads = new WeakSet<AstNode>();
	let nodes = 0;

	const visit = (node: AstNode, shadowed: ReadonlySet<string>, params: ReadonlySet<string>, inFunction: boolean): void => {
		if (++nodes > MAX_NODES) throw new RangeError('module too large to watch');
		markEviction(node, byName);
		if (FUNCTION.has(node.type)) {
			const locals = declaredIn(node, names);
			const inner = locals.size === 0 ? shadowed : new Set([...shadowed, ...locals]);
			const own = parameterNames(node);
			const innerParams = own.size === 0 ? params : new Set([...params, ...own]);
			for (const child of children(node)) visit(child, inner, innerParams, true);
			return;
		}
		if (inFunction) noteRead(node, shadowed);
		if (inFunction && node.type === 'AssignmentExpression' && node.operator === '=') {
			const left = node.left as AstNode;
			notReads.add(left);
			const right = node.right as AstNode;
			const name = left.name as string;
			if (left.type === 'Identifier' && lets.has(name) && !shadowed.has(name) && !mentions(right, name)) {
				const binding = byName.get(name)!;
				if (binding.writeSlot < 0) binding.writeSlot = plan.slots++;
				plan.writes.push({ start: node.start, end: node.end, slot: binding.writeSlot });
			}
			const object = left.object as AstNode | undefined;
			const property = left.property as AstNode | undefined;
			if (
				left.type === 'MemberExpression' &&
				!left.computed &&
				object?.type === 'Identifier' &&
				property?.type === 'Identifier' &&
				names.has(object.name as string) &&
				!shadowed.has(object.name as string) &&
				!mentions(right, object.name as string) &&
				[...params].some((param) => mentions(right, param))
			) {
				const key = `${object.name as string}.${property.name as string}`;
				let written = properties.get(key);
				if (!written) {
					written = { name: key, binding: byName.get(object.name as string)!, writeSlot: plan.slots++ };
					properties.set(key, written);
				}
				plan.writes.push({ start: node.start, end: node.end, slot: written.writeSlot });
			}
		}
		for (const child of children(node)) visit(child, shadowed, params, inFunction);
	};
	/** A read of a watched binding's property, or of the binding whole, by code in a function. */
	const noteRead = (node: AstNode, shadowed: ReadonlySet<string>): void => {
		// A name in key position is not a reference: `other.session`, `{ session: 1 }`, a method `session()`.
		if ((node.type === 'MemberExpression' || node.type === 'MethodDefinition' || node.type === 'PropertyDefinition') && !node.computed) {
			notReads.add((node.type === 'MemberExpression' ? node.property : node.key) as AstNode);
		}
		if (node.type === 'Property' && !node.computed && !node.shorthand) notReads.add(node.key as AstNode);
		if (node.type === 'MemberExpression') {
			const object = node.object as AstNode;
			if (object.type !== 'Identifier' || !names.has(object.name as string) || shadowed.has(object.name as string)) return;
			notReads.add(object);
			const property = node.property as AstNode;
			if (!notReads.has(node) && !node.computed && property.type === 'Identifier') readProperties.add(`${object.name as string}.${property.name as string}`);
		} else if (node.type === 'Identifier' && names.has(node.name as string) && !shadowed.has(node.name as string) && !notReads.has(node)) {
			readWhole.add(node.name as string);
		}
	};
	visit(program, new Set(), new Set(), false);
	// Written but never read back (a log, a last-seen record no one looks at): no one else sees it.
	const dropped = new Set<number>();
	for (const [key, property] of properties) {
		const name = property.binding.name;
		if (readProperties.has(key) || readWhole.has(name) || exported.has(name)) plan.properties.push(property);
		else dropped.add(property.writeSlot);
	}
	plan.writes = plan.writes.filter((write) => !dropped.has(write.slot));
	return plan;
}

/** The names a function's parameters bind (destructured ones too): what a request hands to `load`, `handle` or an action. */
function parameterNames(fn: AstNode): Set<string> {
	const found = new Set<string>();
	const collect = (pattern: AstNode | null | undefined): void => {
		if (!pattern) return;
		if (pattern.type === 'Identifier') found.add(pattern.name as string);
		else if (pattern.type === 'AssignmentPattern') collect(pattern.left as AstNode);
		else if (pattern.type === 'RestElement') collect(pattern.argument as AstNode);
		else if (pattern.type === 'ArrayPattern') for (const element of pattern.elements as (AstNode | null)[]) collect(element);
		else if (pattern.type === 'ObjectPattern')
			for (const item of pattern.properties as AstNode[]) collect((item.type === 'RestElement' ? item : item.value) as AstNode);
	};
	for (const param of fn.params as AstNode[]) collect(param);
	return found;
}

function markEviction(node: AstNode, byName: Map<string, PlannedBinding>): void {
	let target: AstNode | undefined;
	if (node.type === 'CallExpression') {
		const callee = node.callee as AstNode;
		const property = callee.property as AstNode | undefined;
		if (callee.type === 'MemberExpression' && property?.type === 'Identifier' && EVICTING_METHODS.has(property.name as string))
			target = callee.object as AstNode;
	} else if (node.type === 'UnaryExpression' && node.operator === 'delete') {
		const argument = node.argument as AstNode;
		if (argument.type === 'MemberExpression') target = argument.object as AstNode;
	} else if (node.type === 'AssignmentExpression') {
		const left = node.left as AstNode;
		const property = left.property as AstNode | undefined;
		// `list.length = 0`, or a whole new collection in place of the old one.
		if (left.type === 'MemberExpression' && property?.type === 'Identifier' && property.name === 'length') target = left.object as AstNode;
		if (left.type === 'Identifier') target = left;
	}
	if (target?.type === 'Identifier') {
		const binding = byName.get(target.name as string);
		if (binding) binding.evicts = true;
	}
}

/** Names among `names` that a function declares for itself: parameters, and declarations in its body outside nested functions. */
function declaredIn(fn: AstNode, names: ReadonlySet<string>): Set<string> {
	const found = new Set<string>();
	const collect = (pattern: AstNode | null | undefined): void => {
		if (!pattern) return;
		if (pattern.type === 'Identifier') {
			if (names.has(pattern.name as string)) found.add(pattern.name as string);
		} else if (pattern.type === 'AssignmentPattern') {
			collect(pattern.left as AstNode);
		} else if (pattern.type === 'RestElement') {
			collect(pattern.argument as AstNode);
		} else if (pattern.type === 'ArrayPattern') {
			for (const element of pattern.elements as (AstNode | null)[]) collect(element);
		} else if (pattern.type === 'ObjectPattern') {
			for (const property of pattern.properties as AstNode[]) collect((property.type === 'RestElement' ? property : property.value) as AstNode);
		}
	};
	for (const param of fn.params as AstNode[]) collect(param);
	if (fn.type === 'FunctionExpression' && fn.id) collect(fn.id as AstNode);
	const walk = (node: AstNode): void => {
		if (node.type === 'VariableDeclarator') collect(node.id as AstNode);
		else if (node.type === 'CatchClause') collect(node.param as AstNode | null);
		else if ((node.type === 'FunctionDeclaration' || node.type === 'ClassDeclaration') && node.id) collect(node.id as AstNode);
		if (FUNCTION.has(node.type)) return;
		for (const child of children(node)) walk(child);
	};
	const body = fn.body as AstNode;
	for (const child of body.type === 'BlockStatement' ? children(body) : [body]) walk(child);
	return found;
}

/** Whether an expression reads `name` (an accumulator, not a new value). */
function mentions(node: AstNode, name: string): boolean {
	if (node.type === 'Identifier') return node.name === name;
	for (const child of children(node)) if (mentions(child, name)) return true;
	return false;
}

function* children(node: AstNode): Generator<AstNode> {
	for (const key in node) {
		if (key === 'type' || key === 'start' || key === 'end' || key === 'loc' || key === 'range') continue;
		const value = node[key];
		if (Array.isArray(value)) {
			for (const item of value) if (isNode(item)) yield item;
		} else if (isNode(value)) {
			yield value;
		}
	}
}

const isNode = (value: unknown): value is AstNode => typeof value === 'object' && value !== null && typeof (value as AstNode).type === 'string';
