import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './args.ts';

type Vite = typeof import('vite');

/**
 * The app's own Vite, not one of ours: its plugins (SvelteKit's, heapwatch's) were built against
 * it, and Kit 2 apps run Vite 7 while Kit 3 apps run Vite 8.
 */
export async function loadAppVite(root: string): Promise<Vite> {
	let manifest: string;
	try {
		manifest = createRequire(path.join(root, 'package.json')).resolve('vite/package.json');
	} catch {
		throw new UsageError(`Cannot find vite from ${root}. Run heapwatch check in your app's folder (or pass --root), after installing its dependencies.`);
	}
	const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, string | { import?: string; default?: string }> };
	const entry = pkg.exports['.'];
	const file = typeof entry === 'string' ? entry : (entry.import ?? entry.default);
	if (!file) throw new UsageError(`Cannot find the ES module entry of vite in ${manifest}.`);
	return (await import(pathToFileURL(path.resolve(path.dirname(manifest), file)).href)) as Vite;
}
