import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { relativePath } from '@heapwatch/core';

/** What `src/instrumentation.server.*` loads: the app files it imports (transitively) and the packages they import. */
export interface InstrumentationGraph {
	/** `src/instrumentation.server.ts`, relative to the root: the file a finding names. */
	file: string;
	/** Absolute paths of the app files it reaches, itself included. */
	appFiles: Set<string>;
	/** Bare package names those files import (an SDK, an exporter). */
	packages: Set<string>;
}

const EXTENSIONS = ['.ts', '.js', '.mjs', '.mts'];
const IMPORT = /\bimport\s*(?:[^'"`;]*?\bfrom\s*)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\bexport\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g;
const MAX_FILES = 200;

/**
 * Reads the imports of the app's instrumentation file, the way SvelteKit loads it before the app
 * (`src/instrumentation.server.js`, dev and adapter-node alike). Static reading, no bundler: relative
 * imports, the package.json `imports` map (`#lib/*`) and `$lib/`; dynamic specifiers are missed.
 */
export function readInstrumentationGraph(root: string, srcDir = 'src'): InstrumentationGraph | undefined {
	const entry = EXTENSIONS.map((extension) => path.join(root, srcDir, `instrumentation.server${extension}`)).find((file) => existsSync(file));
	if (!entry) return undefined;
	const aliases = importMap(root);
	const appFiles = new Set<string>();
	const packages = new Set<string>();
	const queue = [entry];
	while (queue.length > 0 && appFiles.size < MAX_FILES) {
		const file = queue.shift()!;
		if (appFiles.has(file)) continue;
		appFiles.add(file);
		let code: string;
		try {
			code = readFileSync(file, 'utf8');
		} catch {
			continue;
		}
		for (const match of code.matchAll(IMPORT)) {
			const specifier = match[1] ?? match[2] ?? match[3];
			const target = resolveSpecifier(specifier, file, root, srcDir, aliases);
			if (target?.file) queue.push(target.file);
			else if (target?.package) packages.add(target.package);
		}
	}
	return { file: relativePath(root, entry), appFiles, packages };
}

function resolveSpecifier(
	specifier: string,
	from: string,
	root: string,
	srcDir: string,
	aliases: [string, string][]
): { file?: string; package?: string } | undefined {
	if (specifier.startsWith('node:')) return undefined;
	if (specifier.startsWith('.')) return { file: withExtension(path.resolve(path.dirname(from), specifier)) };
	if (specifier.startsWith('$lib/')) return { file: withExtension(path.join(root, srcDir, 'lib', specifier.slice(5))) };
	if (specifier.startsWith('#')) {
		for (const [pattern, target] of aliases) {
			const star = pattern.indexOf('*');
			if (star === -1 ? specifier === pattern : specifier.startsWith(pattern.slice(0, star))) {
				const rest = star === -1 ? '' : specifier.slice(star);
				return { file: withExtension(path.resolve(root, target.replace('*', rest))) };
			}
		}
		return undefined;
	}
	const parts = specifier.split('/');
	return { package: specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0] };
}

function withExtension(file: string): string | undefined {
	for (const candidate of [file, ...EXTENSIONS.map((extension) => file + extension), ...EXTENSIONS.map((extension) => path.join(file, `index${extension}`))]) {
		if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
	}
	return undefined;
}

/** The `imports` map of the app's package.json, string targets only: `[['#lib/*', './src/lib/*'], ...]`. */
function importMap(root: string): [string, string][] {
	try {
		const { imports } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { imports?: Record<string, unknown> };
		return Object.entries(imports ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
	} catch {
		return [];
	}
}
