const UNITS = ['B', 'KB', 'MB', 'GB'];

/**
 * Bytes for a person, in 1024s, wherever heapwatch shows them (terminal, overlay, CLI, test
 * matchers): `512 B`, `38.0 KB`, `1.2 MB`. `digits`: decimals above bytes; `signed`: a `+` on growth,
 * for deltas. Browser-safe: the overlay uses it too.
 */
export function formatBytes(bytes: number, { signed = false, digits = 1 }: { signed?: boolean; digits?: number } = {}): string {
	const sign = bytes < 0 ? '-' : signed && bytes > 0 ? '+' : '';
	let value = Math.abs(bytes);
	let unit = 0;
	while (value >= 1024 && unit < UNITS.length - 1) {
		value /= 1024;
		unit++;
	}
	return `${sign}${value.toFixed(unit === 0 ? 0 : digits)} ${UNITS[unit]}`;
}
