import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { RetainerCaptureStatus } from '../protocol/report.ts';
import { analyseGrowth } from './analyse-growth.ts';
import { captureHeapSnapshot, snapshotCost } from './capture.ts';
import { declarationLine } from './declaration-line.ts';
import type { NamingOptions } from './retainer-path.ts';
import { holdSamplingInterval } from '../process/sampling-profiler.ts';
import { relativePath } from '../paths.ts';
import { formatBytes } from '../format-bytes.ts';

export type { CaptureState, RetainerCaptureStatus } from '../protocol/report.ts';

export interface RetainerCaptureOptions {
	route: string;
	root: string;
	/** Where snapshot files go (the app's `.heapwatch/`). */
	dir: string;
	requests: number;
	timeoutMs: number;
	pollMs: number;
	/** Requests the route has served so far (any monotonic count). */
	requestsOf(route: string): number;
	/** Requests in flight: the second snapshot waits for none, so no half-done request reads as growth. */
	inFlight(): number;
	/** Called after the second snapshot, when every script of interest is loaded. */
	naming(): NamingOptions;
	/** Every state change; a failure's `message` holds the error's message. */
	onChange(status: RetainerCaptureStatus): void;
}

/** After the requests, how long the second snapshot waits for a moment with no request in flight. */
const MAX_IDLE_WAIT_MS = 5000;

export interface RetainerCapture {
	status(): RetainerCaptureStatus;
	/** Stops waiting and deletes the files (a newer capture, or the server closing). */
	dispose(deleteFiles: boolean): void;
}

/**
 * Snapshot, N requests to the route, snapshot, analysis. Each snapshot blocks the process; the first
 * is taken on the next tick so the caller can answer its HTTP request with the cost first. Never
 * throws: failures end in state `failed` with the reason in `message`.
 */
export function startRetainerCapture(options: RetainerCaptureOptions): RetainerCapture {
	const cost = { ...snapshotCost(), snapshots: 2 };
	const status: RetainerCaptureStatus = {
		route: options.route,
		state: 'waiting',
		requestsNeeded: options.requests,
		cost,
		snapshots: [],
		snapshotBytes: [],
		pauseMs: [],
		grown: [],
		path: [],
		variable: null,
		message:
			`Taking 2 heap snapshots around ${options.requests} requests to ${options.route}. Each pauses the dev server for ` +
			`about ${seconds(cost.pauseMs)} and writes about ${formatBytes(cost.fileBytes, { digits: 0 })}.`
	};
	const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
	const slug = options.route.replace(/[^\w-]+/g, '_').replace(/^_+|_+$/g, '') || 'root';
	const fileOf = (which: string) => path.join(options.dir, `${stamp}-${slug}-${which}.heapsnapshot`);
	let timer: NodeJS.Timeout | undefined;
	let disposed = false;
	// From before the first snapshot to after the second: their objects are matched by heap object id.
	const releaseInterval = holdSamplingInterval();

	const fail = (message: string) => {
		clearInterval(timer);
		releaseInterval();
		status.state = 'failed';
		status.message = message;
		options.onChange(status);
	};
	const snapshot = (which: string) => {
		const taken = captureHeapSnapshot(fileOf(which));
		status.snapshots.push(relativePath(options.root, taken.file));
		status.snapshotBytes.push(taken.bytes);
		status.pauseMs.push(Math.round(taken.pauseMs));
		return taken;
	};

	const first = setImmediate(() => {
		if (disposed) return;
		let baseline: number;
		try {
			snapshot('before');
			baseline = options.requestsOf(options.route);
		} catch (error) {
			return fail(`The first heap snapshot failed: ${messageOf(error)}`);
		}
		status.message = `Snapshot 1 of 2 taken (paused ${seconds(status.pauseMs[0])}). Waiting for ${options.requests} requests to ${options.route}.`;
		options.onChange(status);
		const started = Date.now();
		let countedAt: number | undefined;
		timer = setInterval(() => {
			try {
				const served = options.requestsOf(options.route) - baseline;
				status.requestsNeeded = Math.max(0, options.requests - served);
				if (status.requestsNeeded > 0) {
					if (Date.now() - started > options.timeoutMs) {
						fail(
							`Gave up after ${Math.round(options.timeoutMs / 1000)} s: ${options.route} served ${served} of the ${options.requests} ` +
								'requests needed. Start a capture, then load the route a few times (with varying parameters for a parameterized route).'
						);
					}
					return;
				}
				countedAt ??= Date.now();
				if (options.inFlight() > 0 && Date.now() - countedAt < MAX_IDLE_WAIT_MS) return;
				clearInterval(timer);
				void finish();
			} catch (error) {
				fail(`The capture failed: ${messageOf(error)}`);
			}
		}, options.pollMs);
		timer.unref();
	});
	first.unref();

	async function finish() {
		status.state = 'capturing';
		status.message = `Taking snapshot 2 of 2 and comparing.`;
		options.onChange(status);
		try {
			snapshot('after');
			releaseInterval();
			const naming = options.naming();
			const analysis = await analyseGrowth(fileOf('before'), fileOf('after'), naming);
			if (disposed) return;
			status.grown = analysis.grown;
			status.path = analysis.path;
			status.variable = analysis.variable && { ...analysis.variable, ...lineOf(options.root, analysis.variable) };
			status.state = 'done';
			status.message = describe(status);
			options.onChange(status);
		} catch (error) {
			fail(`The second heap snapshot or its analysis failed: ${messageOf(error)}`);
		}
	}

	return {
		status: () => status,
		dispose(deleteFiles) {
			disposed = true;
			releaseInterval();
			clearImmediate(first);
			clearInterval(timer);
			if (deleteFiles) for (const file of status.snapshots) rmSync(path.join(options.root, file), { force: true });
		}
	};
}

function lineOf(root: string, variable: { name: string; file: string | null }): { line?: number } {
	if (!variable.file || path.isAbsolute(variable.file) || variable.file.startsWith('..') || /^[a-z]+:/.test(variable.file)) return {};
	try {
		const line = declarationLine(readFileSync(path.join(root, variable.file), 'utf8'), variable.name);
		return line === undefined ? {} : { line };
	} catch {
		return {};
	}
}

function describe(status: RetainerCaptureStatus): string {
	const top = status.grown[0];
	const growth = top ? `${top.count} new ${top.name} (${formatBytes(top.selfBytes)}) still alive` : 'nothing new still alive';
	if (!status.variable) return `${growth}; no variable holds it.`;
	const where = status.variable.file ? ` in ${status.variable.file}${status.variable.line ? `:${status.variable.line}` : ''}` : '';
	return `${growth}, kept by \`${status.variable.name}\`${where}.`;
}

const seconds = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
