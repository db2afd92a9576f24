import path from 'node:path';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import type { ViteDevServer } from 'vite';
import { ESModulesEvaluator } from 'vite/module-runner';
import type { AllocationSite, SourceLocation } from '@heapwatch/core';
import { relativePath } from '@heapwatch/core';

/**
 * Lines in V8's profiles count from the start of the function Vite's module runner evaluates: the
 * `AsyncFunction` header, a "use strict" line, then the transformed module. Vite shifts the inline
 * source map by the same amount, and says how much: `ESModulesEvaluator.startOffset` (the app's Vite).
 */
const evaluatorLineOffset = () => new ESModulesEvaluator().startOffset;

/** Whether a script URL is the app's own source: under its root, outside node_modules and .svelte-kit. */
export function createAppCodeTest(root: string): (url: string) => boolean {
	const base = path.join(root, path.sep);
	return (url) => url.startsWith(base) && !/[\\/](node_modules|\.svelte-kit)[\\/]/.test(url.slice(base.length - 1));
}

/**
 * Maps an allocation site (a module id and a position in the code V8 ran) to the original file and
 * line, relative to the app root, through the module's transform source map in the SSR environment.
 */
export function createSourceResolver(server: ViteDevServer, root: string): (site: AllocationSite) => SourceLocation | undefined {
	const offset = evaluatorLineOffset();
	const maps = new WeakMap<object, TraceMap>();
	const relative = (file: string) => relativePath(root, file);
	return (site) => {
		const id = decodeURI(site.url.split('?')[0]);
		const module = server.environments.ssr?.moduleGraph.getModuleById(site.url) ?? server.environments.ssr?.moduleGraph.getModuleById(id);
		const map = module?.transformResult?.map;
		const line = site.line - offset + 1;
		if (!map || !('mappings' in map) || line < 1) return { file: relative(id), line: Math.max(1, line) };
		let traced = maps.get(map);
		if (!traced) maps.set(map, (traced = new TraceMap(map as ConstructorParameters<typeof TraceMap>[0])));
		const original = originalPositionFor(traced, { line, column: site.column });
		if (original.line === null || original.source === null) return { file: relative(id), line };
		const file = path.isAbsolute(original.source) ? original.source : path.resolve(path.dirname(id), original.source);
		return { file: relative(file), line: original.line };
	};
}
