import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { playgroundDir, startDevServer } from '../../../../scripts/lib/dev-server.ts';

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const file = path.join(dir, name);
		return statSync(file).isDirectory() ? filesUnder(file) : [file];
	});
}

describe('vite build and vite preview', () => {
	it('build output contains nothing of heapwatch', () => {
		const vite = path.join(playgroundDir, 'node_modules', 'vite', 'bin', 'vite.js');
		execFileSync(process.execPath, [vite, 'build'], { cwd: playgroundDir, stdio: 'pipe', env: { ...process.env, NO_COLOR: '1' } });
		const output = path.join(playgroundDir, '.svelte-kit', 'output');
		const files = filesUnder(output).filter((file) => /\.(js|html|json)$/.test(file));
		expect(files.length).toBeGreaterThan(0);
		for (const file of files) {
			const text = readFileSync(file, 'utf8');
			expect(text, file).not.toContain('__heapwatch');
			expect(text, file).not.toContain('vite-plugin-heapwatch');
		}
	});

	it('preview serves no heapwatch endpoint', async () => {
		const preview = await startDevServer({ command: 'preview' });
		try {
			const response = await fetch(`${preview.url}/__heapwatch/report.json`);
			expect(response.status).toBe(404);
			expect(preview.output()).not.toContain('[heapwatch]');
		} finally {
			await preview.stop();
		}
	});
});
