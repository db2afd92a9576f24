import { existsSync } from 'node:fs';
import path from 'node:path';
import { relativePath } from '@heapwatch/core';

/**
 * heapwatch names files relative to the app root; CI systems (GitHub annotations, code scanning)
 * want them relative to the repository, which in a monorepo is a few folders up.
 */
export function repoPaths(root: string): (file: string) => string {
	let repo = root;
	for (let dir = root; ; dir = path.dirname(dir)) {
		if (existsSync(path.join(dir, '.git'))) {
			repo = dir;
			break;
		}
		if (path.dirname(dir) === dir) break;
	}
	const prefix = relativePath(repo, root);
	return (file) => (prefix && !file.startsWith('/') ? `${prefix}/${file}` : file);
}
