import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { relativePath } from '@heapwatch/core';

/** A remote function (`query`, `command`, `form`, `prerender` exported from a `*.remote.ts` file). */
export interface RemoteFunctionEntry {
	/** `remote:src/routes/blog/data.remote.ts#getPosts`: its row in the report. */
	id: string;
	/** The remote file, relative to the app root. */
	file: string;
	/** Its endpoint, `/_app/remote/<hash>/<name>` (a query's argument follows in `?payload=`). */
	pattern: RegExp;
}

const REMOTE_FILE = /\.remote\.(js|ts)$/;
const REMOTE_EXPORT = /^export\s+const\s+([A-Za-z_$][\w$]*)\s*=\s*(query|command|form|prerender)\b/gm;
const SKIPPED_DIRS = new Set(['node_modules', '.svelte-kit', '.git']);

/** The row id of a remote function. */
export const remoteFunctionId = (file: string, name: string) => `remote:${file}#${name}`;

/**
 * Every remote function under src/, with the URL Kit serves it on. Kit names a remote file by the djb2
 * hash of its path relative to the root (`hash(file)` in packages/kit/src/exports/vite/plugins/remote.js),
 * and calls over HTTP have no route id (`event.route.id` is null), so this is how such a call gets a row.
 */
export function readRemoteFunctions(root: string, srcDir = 'src', appDir = '_app'): RemoteFunctionEntry[] {
	const entries: RemoteFunctionEntry[] = [];
	const walk = (dir: string) => {
		let names: import('node:fs').Dirent[];
		try {
			names = readdirSync(dir, { withFileTypes: true });
		} catch {
			return;
		}
		for (const entry of names) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) {
				if (!SKIPPED_DIRS.has(entry.name)) walk(full);
			} else if (REMOTE_FILE.test(entry.name)) {
				const file = relativePath(root, full);
				for (const name of exportedNames(full)) {
					entries.push({ id: remoteFunctionId(file, name), file, pattern: new RegExp(`/${escape(appDir)}/remote/${djb2(file)}/${escape(name)}(/|$)`) });
				}
			}
		}
	};
	walk(path.join(root, srcDir));
	return entries;
}

function exportedNames(file: string): string[] {
	let code: string;
	try {
		code = readFileSync(file, 'utf8');
	} catch {
		return [];
	}
	return [...code.matchAll(REMOTE_EXPORT)].map((match) => match[1]);
}

/** In a check target's URL: a fresh argument of a remote query, encoded as Kit expects it (remoteArg). */
export const REMOTE_ARG = '{remote-arg}';

/**
 * A string argument as Kit's client sends it to a remote query: devalue's form of a string (the
 * same as JSON's, in an array), base64url without padding (`stringify_remote_arg` in Kit's runtime/shared.js).
 */
export function remoteArg(value: string): string {
	return Buffer.from(JSON.stringify([value])).toString('base64url');
}

/** Kit's `hash()` of one string (packages/kit/src/utils/hash.js). */
export function djb2(value: string): string {
	let hash = 5381;
	let i = value.length;
	while (i) hash = (hash * 33) ^ value.charCodeAt(--i);
	return (hash >>> 0).toString(36);
}

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
