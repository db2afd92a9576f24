import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { relativePath } from '../paths.ts';

/** One frame of a formatted V8 stack: an absolute file (or `node:` id) and its 1-based line. */
export interface Frame {
	file: string;
	line: number;
}

/** The app's own code that created a resource: the innermost frame, and every app file on the stack. */
export interface CreationSite {
	/** Relative to the app root, with forward slashes. */
	file: string;
	line: number;
	/** Absolute paths of the app files on the stack, innermost first: an HMR edit of any of them replaces the creator. */
	files: string[];
}

export interface SiteFilter {
	/** The app root: frame paths are reported relative to it. */
	root: string;
	/**
	 * Absolute directories of dev tooling (besides the built-in ones): a resource whose stack reaches one of
	 * them before any app frame belongs to the tooling, not to the app.
	 */
	tooling: string[];
}

// `    at fn (/abs/file.ts:12:5)`, `    at /abs/file.ts:12:5`, `    at async fn (file:///C:/x.ts:1:2)`.
// The path starts right after `(` or `at `; route folders such as `(app)` never follow a space.
const LOCATION = /(?:\(|\bat )((?:file:\/\/|node:|\/|[A-Za-z]:[\\/]).*?):(\d+):\d+\)?$/;

// Vite, Kit and their bundler create timers and sockets inside requests (module runner transport,
// dep optimizer, file watchers): never the app's. Our own package is added through `tooling`.
const TOOLING = /[\\/]node_modules[\\/](?:vite|@sveltejs|vite-plugin-heapwatch|rolldown|@rolldown|esbuild|vitefu)[\\/]/;
const NODE_MODULES = /[\\/]node_modules[\\/]/;

/** The frames of a formatted stack that name a file, innermost first. */
export function parseStack(stack: string): Frame[] {
	const frames: Frame[] = [];
	for (const text of stack.split('\n')) {
		const line = text.trimStart();
		if (!line.startsWith('at ')) continue;
		const match = LOCATION.exec(line);
		if (!match) continue;
		const file = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1];
		frames.push({ file, line: Number(match[2]) });
	}
	return frames;
}

/**
 * The app code that created a resource, or null when it was the tooling's (or no frame but Node's
 * within the captured depth). Node internals and third-party packages are walked through: a socket
 * opened by a database driver that the app called belongs to the app line that called it.
 *
 * A library that opens its socket in a callback (ioredis connects in a `process.nextTick`) leaves no
 * app frame on the stack, though the request's async context shows the request caused it. Such a
 * resource is named at the library's innermost frame rather than dropped; `files` is empty then, since
 * no edit of the app replaces library code.
 */
export function findCreationSite(frames: Frame[], filter: SiteFilter): CreationSite | null {
	const isTooling = toolingTest(filter);
	let site: Frame | undefined;
	let library: Frame | undefined;
	const files: string[] = [];
	for (const frame of frames) {
		const { file } = frame;
		if (file.startsWith('node:') || !path.isAbsolute(file)) continue;
		if (isTooling(file)) {
			if (!site) return null;
			continue;
		}
		if (NODE_MODULES.test(file)) {
			library ??= frame;
			continue;
		}
		site ??= frame;
		const normalized = file.split(path.sep).join('/');
		if (!files.includes(normalized)) files.push(normalized);
	}
	if (site) return { file: relativePath(filter.root, site.file), line: site.line, files };
	if (library) return { file: relativePath(filter.root, library.file).replace(PNPM_STORE, 'node_modules/'), line: library.line, files: [] };
	return null;
}

/** pnpm's `node_modules/.pnpm/ioredis@5.6.1/node_modules/ioredis/…`, read as the `node_modules/ioredis/…` it links to. */
const PNPM_STORE = /(?:^|.*\/)node_modules\/\.pnpm\/[^/]+\/node_modules\//;

/** Whether the code that called into Node (the first frame outside Node's internals) is the tooling's. */
export function calledByTooling(frames: Frame[], filter: SiteFilter): boolean {
	const caller = frames.find((frame) => !frame.file.startsWith('node:') && path.isAbsolute(frame.file));
	return caller !== undefined && toolingTest(filter)(caller.file);
}

function toolingTest(filter: SiteFilter): (file: string) => boolean {
	const generated = path.join(filter.root, '.svelte-kit') + path.sep;
	return (file) => TOOLING.test(file) || file.startsWith(generated) || filter.tooling.some((dir) => file.startsWith(dir));
}
