import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../../scripts/lib/dev-server.ts';

export const packageDir = path.join(repoRoot, 'packages', 'vite-plugin-heapwatch');

export interface PackedPlugin {
	/** Absolute path of the .tgz, in a temp folder outside the workspace. */
	tarball: string;
	remove(): void;
}

/** Packs the built plugin with the command the README gives users, into a temp folder. */
export function packPlugin(): PackedPlugin {
	if (!existsSync(path.join(packageDir, 'dist', 'index.mjs'))) {
		throw new Error(`${packageDir}/dist is missing: the tarball would hold no plugin. Run \`pnpm build\` first.`);
	}
	const dir = mkdtempSync(path.join(tmpdir(), 'heapwatch-pack-'));
	execFileSync('pnpm', ['--filter', 'vite-plugin-heapwatch', 'pack', '--pack-destination', dir], { cwd: repoRoot, stdio: 'pipe' });
	const name = readdirSync(dir).find((file) => file.endsWith('.tgz'));
	if (!name) throw new Error(`pnpm pack wrote no .tgz into ${dir}`);
	return { tarball: path.join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
