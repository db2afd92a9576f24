/** The part of a Vite module node we need; core knows nothing of Vite. */
export interface ModuleNodeLike {
	file: string | null;
	importers: Set<ModuleNodeLike>;
}

/** Most files an edit is taken to replace: a guard against a huge importer graph. */
const MAX_FILES = 5000;

/**
 * The files whose module instances an edit replaces: the edited modules and, transitively, their
 * importers (the module runner re-evaluates every module that imports a changed one).
 */
export function replacedFiles(modules: Iterable<ModuleNodeLike>): Set<string> {
	const files = new Set<string>();
	const seen = new Set<ModuleNodeLike>();
	const stack = [...modules];
	while (stack.length > 0 && files.size < MAX_FILES) {
		const node = stack.pop()!;
		if (seen.has(node)) continue;
		seen.add(node);
		if (node.file) files.add(node.file);
		for (const importer of node.importers) stack.push(importer);
	}
	return files;
}
