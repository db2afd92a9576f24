import type { HandleSite } from '../protocol/report.ts';

const KIND: Record<string, string> = {
	Interval: 'setInterval',
	Timeout: 'setTimeout',
	Immediate: 'setImmediate',
	TCP: 'TCP socket',
	TCPServer: 'TCP server',
	Pipe: 'pipe',
	PipeServer: 'pipe server',
	UDP: 'UDP socket',
	FileHandle: 'open file handle',
	FSWatcher: 'fs.watch watcher',
	StatWatcher: 'fs.watchFile watcher',
	ChildProcess: 'child process',
	Signal: 'signal listener',
	MessagePort: 'MessagePort',
	Worker: 'worker thread'
};

/**
 * `setInterval every 1000 ms`, `setTimeout of 3600000 ms`, `TCP socket`. Shared by the terminal and
 * the overlay, so a handle reads the same in both; no Node or DOM imports.
 */
export function describeHandle(site: Pick<HandleSite, 'type' | 'delayMs'>): string {
	const kind = Object.hasOwn(KIND, site.type) ? KIND[site.type] : site.type;
	if (site.delayMs === undefined) return kind;
	return site.type === 'Interval' ? `${kind} every ${site.delayMs} ms` : `${kind} of ${site.delayMs} ms`;
}
