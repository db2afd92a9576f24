import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { playgroundDir } from '../../../../scripts/lib/dev-server.ts';

// The built CLI, as `npx heapwatch check` runs it, against the playground (SvelteKit 3 + Vite 8).
const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli/index.mjs');

/** Runs `heapwatch ...` in the playground: its exit code and what it printed. */
export function heapwatch(...args: string[]) {
	return heapwatchWithEnv({}, ...args);
}

/** The same, with environment variables for the CLI and the dev server it starts. */
export async function heapwatchWithEnv(env: Record<string, string>, ...args: string[]) {
	const child = spawn(process.execPath, [cli, ...args], {
		cwd: playgroundDir,
		env: { ...process.env, NO_COLOR: '1', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk) => (stdout += chunk));
	child.stderr.on('data', (chunk) => (stderr += chunk));
	const [code] = await once(child, 'exit');
	return { code: code as number, stdout, stderr };
}

/** A row of `--json`, as the tests read it. */
export interface JsonRow {
	route: string;
	decision: 'leak' | 'clean' | 'undecided';
	runs: number;
	retainedBytesPerRequest: number;
	standardError: number | null;
	findings: { kind: string; file: string | null; line: number | null; message: string }[];
}
