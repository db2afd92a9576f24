import type { Progress } from './run-check.ts';

/** A one-line progress bar on stderr when it is a terminal; nothing otherwise (CI logs stay clean). */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress & { done(): void } {
	const enabled = stream.isTTY === true;
	let last = 0;
	const update = (done: number, total: number, label: string) => {
		if (!enabled || (done < total && Date.now() - last < 80)) return;
		last = Date.now();
		const width = 24;
		const filled = Math.round((done / total) * width);
		const text = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${label}`;
		stream.write(`\r${text.slice(0, (stream.columns ?? 80) - 1)}\x1b[K`);
	};
	return Object.assign(update, {
		done() {
			if (enabled) stream.write('\r\x1b[K');
		}
	});
}
