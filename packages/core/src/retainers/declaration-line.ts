/**
 * The 1-based line where a variable is declared in a source file (`const`, `let`, `var`, `function`,
 * `class`), or undefined. A snapshot names the variable and its module but holds no line for it; the
 * source on disk does, before any transform.
 */
export function declarationLine(source: string, name: string): number | undefined {
	const identifier = name.replace(/\$/g, '\\$');
	const declaration = new RegExp(`\\b(?:const|let|var|function\\s*\\*?|class)\\s+${identifier}(?![\\w$])`);
	const match = declaration.exec(source);
	if (!match) return undefined;
	return source.slice(0, match.index).split('\n').length;
}
