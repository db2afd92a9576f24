import path from 'node:path';

/** `file` relative to `root`, with forward slashes whatever the platform: how heapwatch names every file it reports. */
export function relativePath(root: string, file: string): string {
	return path.relative(root, file).split(path.sep).join('/');
}
