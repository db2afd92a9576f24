/**
 * An allocation site and its form as a map key: the tally counts live bytes by key, and the findings
 * (findings/allocation-sources.ts) read the key back into a site.
 */

/**
 * Where an allocation was made: the innermost function of the app's own code on its stack. V8's
 * sampling profiler records functions, not lines: the position is where that function starts, in the
 * code V8 ran (0-based).
 */
export interface AllocationSite {
	url: string;
	functionName: string;
	line: number;
	column: number;
}

/** A site as a map key; `parseSite` reads it back. */
export const siteKey = (site: AllocationSite) => [site.line, site.column, site.functionName, site.url].join('\0');

export function parseSite(key: string): AllocationSite {
	const [line, column, functionName, url] = key.split('\0');
	return { line: Number(line), column: Number(column), functionName, url };
}
