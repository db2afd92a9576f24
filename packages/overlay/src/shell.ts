import { createBadge } from './badge.ts';
import { Feed } from './feed.ts';
import type { OverlayOptions } from './options.ts';
import { matchesShortcut } from './shortcut.ts';
import css from './shell.css?inline';

// Remembered per tab, so a full reload (or Vite's reload after a restart) keeps what the user chose.
const STORAGE_KEY = 'heapwatch-overlay-open';

/**
 * Runs the overlay in its shadow root: the feed, the badge, the shortcut, and the panel in place of
 * the badge while open. The panel's module is imported on first open, so a page whose overlay stays
 * collapsed loads this file only.
 */
export function startOverlay(shadow: ShadowRoot, options: OverlayOptions): void {
	const style = document.createElement('style');
	style.textContent = css;
	const root = document.createElement('div');
	root.className = `root ${options.position}`;
	shadow.append(style, root);

	const feed = new Feed(options.transport);
	const badge = createBadge(options.shortcut, () => setOpen(true));
	feed.subscribe(() => badge.update(feed));
	badge.update(feed);

	let open = readOpen(options.open);
	let panelModule: Promise<typeof import('./panel.ts')> | undefined;
	let removePanel: (() => void) | undefined;

	function show() {
		if (!open) {
			removePanel?.();
			removePanel = undefined;
			if (!badge.element.isConnected) root.append(badge.element);
			return;
		}
		if (removePanel) return;
		// The badge stays until the panel is there to take its place.
		panelModule ??= import('./panel.ts');
		panelModule.then(
			({ mountPanel }) => {
				if (!open || removePanel) return;
				badge.element.remove();
				removePanel = mountPanel(root, { feed, options, onclose: () => setOpen(false) });
			},
			(error: unknown) => {
				// Most likely the dev server went away mid-load; the next open tries again.
				panelModule = undefined;
				console.error('heapwatch: the overlay panel failed to load', error);
			}
		);
	}

	function setOpen(value: boolean) {
		open = value;
		try {
			sessionStorage.setItem(STORAGE_KEY, String(value));
		} catch {
			// Storage can be disabled; the overlay still toggles.
		}
		show();
		if (!value) queueMicrotask(() => badge.element.focus());
	}

	window.addEventListener(
		'keydown',
		(event) => {
			if (!matchesShortcut(options.shortcut, event)) return;
			event.preventDefault();
			setOpen(!open);
		},
		true
	);
	root.append(badge.element);
	show();
}

function readOpen(fallback: boolean): boolean {
	try {
		const stored = sessionStorage.getItem(STORAGE_KEY);
		return stored === null ? fallback : stored === 'true';
	} catch {
		return fallback;
	}
}
