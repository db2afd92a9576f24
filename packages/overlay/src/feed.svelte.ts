import { applyDelta, type ServerMessage, type StateMessage, type Warning } from '#messages';
import { connect, type Status } from './connection.ts';
import type { OverlayOptions } from './options.ts';

export type ArrivedWarning = Warning & {
	/** When this page first saw it. */
	seenAt: number;
};

/** The overlay's view of the server: the latest state, the connection, warnings with arrival times. */
export class Feed {
	state = $state.raw<StateMessage | null>(null);
	status = $state<Status>('connecting');
	warnings = $state.raw<ArrivedWarning[]>([]);
	/**
	 * When each warning (by key) first arrived. Read only to build `warnings`, never by an effect, so a
	 * plain Map: SvelteMap would bring its reactivity code into the bundle for nothing.
	 */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#seen = new Map<string, number>();
	#stop: () => void;

	constructor(transport: OverlayOptions['transport']) {
		this.#stop = connect(transport, {
			message: (message) => this.#apply(message),
			status: (status) => (this.status = status)
		});
	}

	#apply(message: ServerMessage) {
		const previous = this.state;
		if (message.type === 'heapwatch:state') this.state = message;
		else if (previous) this.state = applyDelta(previous, message);
		else return;
		if (this.state.warnings !== previous?.warnings) this.#arrived(this.state.warnings);
	}

	#arrived(warnings: Warning[]) {
		const now = Date.now();
		for (const warning of warnings) if (!this.#seen.has(warning.key)) this.#seen.set(warning.key, now);
		this.warnings = warnings.map((warning) => ({ ...warning, seenAt: this.#seen.get(warning.key) ?? now })).sort((a, b) => b.seenAt - a.seenAt);
	}

	close() {
		this.#stop();
	}
}
