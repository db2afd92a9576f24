import type { FindingReport, Verdict } from '../protocol/report.ts';
import type { ModuleScope } from './scope-registry.ts';

export interface SharedStateOptions {
	relative(file: string): string;
	onFindingChange?(finding: FindingReport, previous: Verdict): void;
}

/**
 * The rule for a module-scope `let` that holds one request's data for everyone: requests reassign
 * it, with a plain `=` (the SSR transform counts only those), again and again. Not this finding:
 * a counter or accumulator (`hits++`, `total += n`, `x = x + 1`: the transform never counts an
 * update that reads the binding itself), a lazily built singleton (`??=`, `||=`, or one assignment),
 * a value a timer refreshes (it is written while no request runs).
 */
export const SHARED_STATE_RULE = {
	/** Plain assignments made during requests before it is reported. */
	minWrites: 3,
	/** Sample intervals with requests in which it was written: not one burst at start-up. */
	minIntervals: 2,
	/** Routes named as writers. */
	maxWriters: 8
};

interface WriteWatch {
	file: string;
	name: string;
	line: number;
	/** The module's write counter at the previous sample. */
	last: number;
	writes: number;
	intervals: number;
	/**
	 * Sample intervals in which it was written while no request ended: a timer or a callback, not
	 * requests (a few can be a request still running at a busy sample).
	 */
	idleIntervals: number;
	/** The routes whose requests wrote it: the file's own route, else those with requests in every interval that wrote it. */
	writers: Set<string> | null;
	flagged: boolean;
	flaggedAfterWrites: number | null;
}

const ROUTE_OWNER = /^(?!hooks:|layout:)/;

export class SharedState {
	#options: SharedStateOptions;
	#watches = new Map<string, WriteWatch>();

	constructor(options: SharedStateOptions) {
		this.#options = options;
	}

	sample(module: ModuleScope, owner: string | undefined, requestsSince: ReadonlyMap<string, number>): void {
		for (const binding of module.bindings) {
			if (binding.writeSlot < 0) continue;
			const count = module.writes[binding.writeSlot] ?? 0;
			const key = `${module.file}\0${binding.name}`;
			let watch = this.#watches.get(key);
			if (!watch) {
				watch = {
					file: module.file,
					name: binding.name,
					line: binding.line,
					last: 0,
					writes: 0,
					intervals: 0,
					idleIntervals: 0,
					writers: null,
					flagged: false,
					flaggedAfterWrites: null
				};
				this.#watches.set(key, watch);
			}
			const delta = count - watch.last;
			watch.last = count;
			if (delta <= 0) continue;
			const active = [...requestsSince].filter(([, requests]) => requests > 0).map(([route]) => route);
			if (active.length === 0) {
				watch.idleIntervals++;
				this.#judge(watch);
				continue;
			}
			watch.writes += delta;
			watch.intervals++;
			const writers = owner !== undefined && ROUTE_OWNER.test(owner) ? [owner] : active;
			watch.writers = watch.writers ? new Set(writers.filter((route) => watch.writers!.has(route))) : new Set(writers.slice(0, SHARED_STATE_RULE.maxWriters));
			this.#judge(watch);
		}
	}

	/** A new instance of the file: its bindings are new ones. */
	replaced(file: string): void {
		for (const [key, watch] of this.#watches) {
			if (watch.file !== file) continue;
			this.#watches.delete(key);
			if (watch.flagged) this.#options.onFindingChange?.({ ...this.#describe(watch), verdict: 'ok' }, 'leak');
		}
	}

	report(): FindingReport[] {
		return [...this.#watches.values()].filter((watch) => watch.flagged).map((watch) => this.#describe(watch));
	}

	#judge(watch: WriteWatch): void {
		const flagged =
			watch.idleIntervals * 4 <= watch.intervals && watch.writes >= SHARED_STATE_RULE.minWrites && watch.intervals >= SHARED_STATE_RULE.minIntervals;
		if (flagged === watch.flagged) return;
		watch.flagged = flagged;
		if (flagged) watch.flaggedAfterWrites ??= watch.writes;
		this.#options.onFindingChange?.(this.#describe(watch), flagged ? 'warming' : 'leak');
	}

	#describe(watch: WriteWatch): FindingReport {
		return {
			kind: 'shared-state',
			file: this.#options.relative(watch.file),
			verdict: watch.flagged ? 'leak' : 'ok',
			retainedBytesPerRequest: 0,
			estimateRequests: watch.writes,
			firstFlaggedAt: watch.flaggedAfterWrites,
			sources: [],
			binding: { name: watch.name, line: watch.line, writes: watch.writes, writtenBy: [...(watch.writers ?? [])] }
		};
	}
}
