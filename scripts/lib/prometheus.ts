import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './services.ts';

/** Why Prometheus cannot be started here, or null when Debian's `prometheus` is installed. */
export function prometheusMissing(): string | null {
	const found = spawnSync('prometheus', ['--version'], { encoding: 'utf8' });
	return found.error || found.status !== 0 ? 'prometheus is not installed (Debian: apt-get install -y prometheus; .ci/services installs it)' : null;
}

export interface PrometheusServer {
	url: string;
	/** An instant PromQL query: one sample per series, its labels and value. */
	query(promql: string): Promise<Array<{ labels: Record<string, string>; value: number }>>;
	/** What it wrote to stderr (its log). */
	log(): string;
	stop(): Promise<void>;
}

/**
 * Starts a Prometheus of its own on a free loopback port, with its own config and data directory,
 * scraping `targets` (host:port) every second; resolves once it is ready. `stop()` ends it by its
 * PID and removes the directory.
 */
export async function startPrometheus(targets: string[]): Promise<PrometheusServer> {
	const port = await freePort();
	const dir = mkdtempSync(path.join(os.tmpdir(), 'heapwatch-prometheus-'));
	const config = path.join(dir, 'prometheus.yml');
	writeFileSync(
		config,
		[
			'global:',
			'  scrape_interval: 1s',
			'  scrape_timeout: 1s',
			'scrape_configs:',
			'  - job_name: heapwatch-fleet',
			'    static_configs:',
			`      - targets: [${targets.map((target) => `'${target}'`).join(', ')}]`,
			''
		].join('\n')
	);
	const child = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], {
		stdio: ['ignore', 'ignore', 'pipe']
	});
	let log = '';
	child.stderr!.on('data', (chunk) => (log += chunk));
	const url = `http://127.0.0.1:${port}`;
	const stop = async () => {
		if (child.exitCode === null) {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
			if (child.exitCode === null) child.kill('SIGKILL');
		}
		rmSync(dir, { recursive: true, force: true });
	};
	const deadline = Date.now() + 20_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}) before it was ready; its log:\n${log}`);
		const ready = await fetch(`${url}/-/ready`).then(
			(response) => response.ok,
			() => false
		);
		if (ready) break;
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`prometheus was not ready on ${url} within 20 s; its log:\n${log}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	return {
		url,
		log: () => log,
		stop,
		async query(promql) {
			const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
			const body = (await response.json()) as {
				status: string;
				error?: string;
				data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
			};
			if (body.status !== 'success') throw new Error(`PromQL ${promql} failed: ${body.error}`);
			return body.data.result.map((sample) => ({ labels: sample.metric, value: Number(sample.value[1]) }));
		}
	};
}
