import { mount, unmount } from 'svelte';
import Panel from './components/Panel.svelte';
import type { Feed } from './feed.ts';
import { LiveFeed } from './live-feed.svelte.ts';
import type { OverlayOptions } from './options.ts';

/**
 * The expanded overlay, loaded the first time it opens (shell.ts): this module, its components and
 * the Svelte runtime build to a chunk of their own that pages with a collapsed overlay never fetch.
 * Returns the function that removes it.
 */
export function mountPanel(target: Element, props: { feed: Feed; options: OverlayOptions; onclose: () => void }): () => void {
	const panel = mount(Panel, { target, props: { ...props, feed: new LiveFeed(props.feed) } });
	return () => void unmount(panel);
}
