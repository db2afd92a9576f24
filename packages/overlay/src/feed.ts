import { applyDelta, type ServerMessage, type StateMessage, type Warning } from '#messages';
import { connect, type Status } from './connection.ts';
import type { OverlayOptions } from './options.ts';

export type ArrivedWarning = Warning & {
	/** When this page first saw it. */
	seenAt: number;
};

/** What the badge and the panel read of the feed. */
export interface FeedView {
	readonly state: StateMessage | null;
	readonly status: Status;
	readonly warnings: ArrivedWarning[];
}

/**
 * The overlay's view of the server: the latest state, the connection, warnings with arrival times.
 * Plain JavaScript with listeners, not runes: the badge that every page shows reads it without the
 * Svelte runtime, which loads only with the panel (live-feed.svelte.ts makes it reactive there).
 * Each field is replaced, never mutated, so a reader can compare by identity.
 */
export class Feed implements FeedView {
	state: StateMessage | null = null;
	status: Status = 'connecting';
	warnings: ArrivedWarning[] = [];
	/** When each warning (by key) first arrived; read only to build `warnings`. */
	#seen = new Map<string, number>();
	#listeners = new Set<() => void>();
	#stop: () => void;

	constructor(transport: OverlayOptions['transport']) {
		this.#stop = connect(transport, {
			message: (message) => this.#apply(message),
			status: (status) => {
				this.status = status;
				this.#changed();
			}
		});
	}

	/** Calls `listener` after every change; returns the function that stops it. */
	subscribe(listener: () => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	#apply(message: ServerMessage) {
		const previous = this.state;
		if (message.type === 'heapwatch:state') this.state = message;
		else if (previous) this.state = applyDelta(previous, message);
		else return;
		if (this.state.warnings !== previous?.warnings) this.#arrived(this.state.warnings);
		this.#changed();
	}

	#arrived(warnings: Warning[]) {
		const now = Date.now();
		for (const warning of warnings) if (!this.#seen.has(warning.key)) this.#seen.set(warning.key, now);
		this.warnings = warnings.map((warning) => ({ ...warning, seenAt: this.#seen.get(warning.key) ?? now })).sort((a, b) => b.seenAt - a.seenAt);
	}

	#changed() {
		for (const listener of this.#listeners) listener();
	}

	close() {
		this.#stop();
	}
}
