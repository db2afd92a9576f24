import type { RouteReport } from '@heapwatch/core';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const name = (route: RouteReport) => route.id ?? '404 (no route)';

/** The one warning a route gets when it turns `leak`: what, where, how much, what to do. */
export function formatLeak(route: RouteReport): string {
	const lines = [
		`${name(route)} retains ~${kb(route.retainedBytesPerRequest)} per request (estimated over its last ${route.estimateRequests} requests, after GC).`
	];
	if (route.file) lines.push(`  route file: ${route.file}`);
	if (route.externalBytesPerRequest > route.retainedBytesPerRequest / 2) {
		lines.push(`  Most of it is outside the JS heap (${kb(route.externalBytesPerRequest)}): Buffers or ArrayBuffers kept alive.`);
	}
	lines.push('  Something keeps memory after each response: a module-level cache, array, Map, store or listener that grows with traffic.');
	return lines.join('\n');
}

export function formatCleared(route: RouteReport): string {
	return `${name(route)} no longer grows: ~${kb(route.retainedBytesPerRequest)} per request over its last ${route.estimateRequests} requests.`;
}
