import { createSubscriber } from 'svelte/reactivity';
import type { Feed, FeedView } from './feed.ts';

/**
 * The feed as the panel's components read it: each getter is reactive, so a `$derived` or the
 * template that reads it runs again when the feed changes. Svelte's `createSubscriber` is the way
 * its docs give for an outside source: it listens only while something reads.
 */
export class LiveFeed implements FeedView {
	#feed: Feed;
	#subscribe: () => void;

	constructor(feed: Feed) {
		this.#feed = feed;
		this.#subscribe = createSubscriber((update) => feed.subscribe(update));
	}

	get state() {
		this.#subscribe();
		return this.#feed.state;
	}

	get status() {
		this.#subscribe();
		return this.#feed.status;
	}

	get warnings() {
		this.#subscribe();
		return this.#feed.warnings;
	}
}
