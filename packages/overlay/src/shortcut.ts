/** `alt-shift-h` against a keydown. Uses `code` for letters and digits: Alt changes `key` on macOS. */
export function matchesShortcut(shortcut: string, event: KeyboardEvent): boolean {
	const parts = shortcut.toLowerCase().split('-');
	const key = parts.pop() ?? '';
	const wanted = new Set(parts);
	if (event.ctrlKey !== wanted.has('ctrl') || event.altKey !== wanted.has('alt')) return false;
	if (event.shiftKey !== wanted.has('shift') || event.metaKey !== wanted.has('meta')) return false;
	const code = event.code.toLowerCase();
	return code === `key${key}` || code === `digit${key}` || code === key || event.key.toLowerCase() === key;
}

/** How the shortcut reads in a tooltip: `Alt+Shift+H`. */
export const describeShortcut = (shortcut: string) =>
	shortcut
		.split('-')
		.map((part) => part.charAt(0).toUpperCase() + part.slice(1))
		.join('+');
