import type { MonitorEvents } from '@heapwatch/core';
import type { Log } from '../log.ts';
import {
	formatCleared,
	formatFinding,
	formatFindingCleared,
	formatHandleLeak,
	formatHandlesCleared,
	formatLeak,
	formatLongGc,
	formatStaleHandles,
	formatUnplaced,
	formatUnplacedCleared
} from './warnings.ts';

/**
 * What the terminal says of the monitor's events: a warning when something starts leaking (a route's
 * memory or handles, a shared file, growth nothing places, stale handles after an edit), a line when it stops, a line when
 * sampling changes pace or the heap grows too big to measure at any moment. Returns what unsubscribes it.
 */
export function reportToTerminal(events: MonitorEvents, log: Log): () => void {
	return events.subscribe((event) => {
		switch (event.type) {
			case 'route-verdict':
				return event.route.verdict === 'leak' ? log.warn(formatLeak(event.route)) : log.info(formatCleared(event.route));
			case 'route-handles':
				return event.route.handleVerdict === 'leak' ? log.warn(formatHandleLeak(event.route)) : log.info(formatHandlesCleared(event.route));
			case 'finding':
				return event.finding.verdict === 'leak' ? log.warn(formatFinding(event.finding)) : log.info(formatFindingCleared(event.finding));
			case 'unplaced':
				return event.unplaced.verdict === 'leak' ? log.warn(formatUnplaced(event.unplaced)) : log.info(formatUnplacedCleared(event.unplaced));
			case 'stale-handles':
				return log.warn(formatStaleHandles(event.sites));
			case 'sampling':
				return log.info(samplingLine(event.interval, event.coarse));
			case 'long-gc':
				return log.info(formatLongGc(event.pause));
		}
	});
}

function samplingLine(interval: number, coarse: boolean): string {
	const kb = `${interval / 1024} KB`;
	return coarse
		? `sustained load: sampling allocations every ${kb} and watching the timers and handles of one request in ten, to stay out of the way; small leaks take longer to find until traffic calms down.`
		: `traffic calmed down: sampling allocations every ${kb} and watching every request again.`;
}
