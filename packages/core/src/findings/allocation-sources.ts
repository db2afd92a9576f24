import { parseSite, type AllocationSite } from '../heap/allocation-site.ts';
import type { LiveBytesTrend } from '../estimator/live-bytes-trend.ts';
import type { SourceLocation } from '../protocol/report.ts';

export interface SourceOptions {
	window: number;
	leakThreshold: number;
	resolveSource?(site: AllocationSite): SourceLocation | undefined;
	onError(error: unknown): void;
}

const MAX_SOURCES = 3;

/**
 * The allocation sites whose live bytes grew most over the window, as files and lines: at most three,
 * each keeping at least a tenth of the threshold per request.
 */
export function allocationSources(trend: LiveBytesTrend, options: SourceOptions): SourceLocation[] {
	const resolve = options.resolveSource;
	if (!resolve) return [];
	const sources: SourceLocation[] = [];
	for (const { site, bytesPerRequest } of trend.topSites(options.window, MAX_SOURCES)) {
		if (bytesPerRequest < options.leakThreshold / 10) break;
		try {
			const parsed = parseSite(site);
			const location = resolve(parsed);
			if (!location) continue;
			const name = parsed.functionName || '(anonymous function)';
			sources.push({ file: location.file, line: location.line, function: name, bytesPerRequest: Math.round(bytesPerRequest) });
		} catch (error) {
			options.onError(error);
		}
	}
	return sources;
}
