// The recent post-GC samples as the report shows them: how many were taken, the latest one's figures,
// and a short history for the overlay's sparklines. Only what is displayed; estimates never read it.
import type { HeapSample } from './idle-sampler.ts';
import type { Report } from '../protocol/report.ts';
import { RingBuffer } from '../ring-buffer.ts';

/** Post-GC samples kept for sparklines: two minutes at the default interval. */
const HISTORY_LENGTH = 120;

export class SampleHistory {
	#samples = 0;
	#last: HeapSample | null = null;
	#history = new RingBuffer<{ at: number; heapUsed: number; external: number }>(HISTORY_LENGTH);

	push(sample: HeapSample): void {
		this.#samples++;
		this.#last = sample;
		this.#history.push({ at: sample.at, heapUsed: sample.heapUsed, external: sample.external });
	}

	report(): Pick<Report, 'samples' | 'lastSample' | 'history'> {
		const last = this.#last;
		return {
			samples: this.#samples,
			lastSample: last && { heapUsed: last.heapUsed, external: last.external, arrayBuffers: last.arrayBuffers, at: last.at, gcMs: last.gcMs },
			history: [...this.#history.newestFirst()].reverse()
		};
	}
}
