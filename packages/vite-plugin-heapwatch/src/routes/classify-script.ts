import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOOLING, relativePath, sharedKey } from '@heapwatch/core';
import { readInstrumentationGraph } from './instrumentation-graph.ts';
import { ROUTES_DIR, routeIdOfFolder } from './route-folders.ts';

const ROUTE_OWN_FILE = /^\+(page\.server|server|page)\.[^.]+$/;
const LAYOUT_FILE = /^\+layout(\.server)?\.[^.]+$/;
const HOOKS_FILE = /^hooks\.server\.[^.]+$/;
/** Vite's own scripts, wherever the package manager put them. */
const VITE_SCRIPT = /[\\/]node_modules[\\/](\.pnpm[\\/]vite@[^\\/]+[\\/]node_modules[\\/])?vite[\\/]/;
/**
 * This package's code: dist/ once built (core is bundled in), src/routes/ in its own tests. Not the
 * package root: its test fixtures (a Kit 2 app) live under it.
 */
const OWN_CODE = path.dirname(fileURLToPath(import.meta.url)) + path.sep;

/**
 * Maps the URL of a script on an allocation stack to what it belongs to: the route id for a route's
 * own files (+page.server, +server, +page), `layout:<file>` and `hooks:<file>` for code that runs
 * under many routes, TOOLING for Vite and heapwatch, `instrumentation:<file>` for what
 * src/instrumentation.server.* loads (its modules, the SDK packages they import), undefined for
 * anything else (libraries, Kit, your own modules, which count for the route that called them or
 * the request that ran).
 */
export function createScriptClassifier(root: string, routesDir = ROUTES_DIR, srcDir = 'src'): (url: string) => string | undefined {
	const routesBase = path.join(root, routesDir) + path.sep;
	const srcBase = path.join(root, srcDir) + path.sep;
	const cache = new Map<string, string | undefined>();
	const instrumentation = readInstrumentationGraph(root, srcDir);
	const instrumentationKey = instrumentation && sharedKey('instrumentation', instrumentation.file);
	// `/node_modules/<name>/` matches npm, yarn and pnpm layouts alike (pnpm's real path ends the same way).
	const instrumentationPackages = [...(instrumentation?.packages ?? [])].map(
		(name) => `${path.sep}node_modules${path.sep}${name.split('/').join(path.sep)}${path.sep}`
	);
	return (url) => {
		if (cache.has(url)) return cache.get(url);
		const result = classify(toPath(url));
		if (cache.size > 10_000) cache.clear();
		cache.set(url, result);
		return result;
	};

	function classify(file: string | undefined): string | undefined {
		if (!file) return undefined;
		if (file.startsWith(OWN_CODE) || VITE_SCRIPT.test(file)) return TOOLING;
		const name = path.basename(file);
		if (file.startsWith(routesBase)) {
			const dir = path.dirname(file);
			if (ROUTE_OWN_FILE.test(name)) return routeIdOfFolder(routesBase, dir);
			if (LAYOUT_FILE.test(name)) return sharedKey('layout', relative(file));
			return undefined;
		}
		if (path.dirname(file) + path.sep === srcBase && HOOKS_FILE.test(name)) return sharedKey('hooks', relative(file));
		if (instrumentation && (instrumentation.appFiles.has(file) || instrumentationPackages.some((fragment) => file.includes(fragment)))) {
			return instrumentationKey;
		}
		return undefined;
	}

	function relative(file: string) {
		return relativePath(root, file);
	}
}

/** Script URLs are absolute paths (Vite's sourceURL, percent-encoded whitespace) or file:// URLs. */
function toPath(url: string): string | undefined {
	const clean = url.split('?')[0];
	try {
		if (clean.startsWith('file://')) return fileURLToPath(clean);
		if (path.isAbsolute(clean)) return decodeURIComponent(clean);
	} catch {
		return undefined;
	}
	return undefined;
}
