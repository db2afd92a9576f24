import type { FeedView } from './feed.ts';
import { formatBytes } from './format.ts';
import { describeShortcut } from './shortcut.ts';

/**
 * The collapsed overlay: server heap and warning count, a button that opens the panel. Plain DOM,
 * because every page shows it and the Svelte runtime would more than double what every page loads.
 */
export function createBadge(shortcut: string, onopen: () => void): { element: HTMLButtonElement; update(feed: FeedView): void } {
	const element = document.createElement('button');
	element.id = 'heapwatch-badge';
	element.className = 'badge';
	element.setAttribute('aria-expanded', 'false');
	element.onclick = onopen;
	const heap = document.createElement('span');
	heap.className = 'heap';
	const count = document.createElement('span');
	count.className = 'count';
	element.append(heap, ' ', count);

	function update(feed: FeedView) {
		const heapUsed = feed.state?.report.lastSample?.heapUsed;
		const warnings = feed.warnings.length;
		const label =
			`heapwatch: server heap ${heapUsed === undefined ? 'not measured yet' : formatBytes(heapUsed)}, ${warnings} warning${warnings === 1 ? '' : 's'}` +
			`${feed.status === 'open' ? '' : ', disconnected'}. Open (${describeShortcut(shortcut)})`;
		element.classList.toggle('leak', warnings > 0);
		element.classList.toggle('offline', feed.status !== 'open');
		element.setAttribute('aria-label', label);
		element.title = label;
		heap.textContent = heapUsed === undefined ? '—' : formatBytes(heapUsed);
		count.dataset.warnings = String(warnings);
		count.textContent = `${warnings} ⚠`;
	}

	return { element, update };
}
