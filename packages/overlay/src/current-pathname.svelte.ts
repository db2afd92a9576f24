import { createSubscriber } from 'svelte/reactivity';

// SvelteKit navigates with pushState, which fires no event; the Navigation API reports it where it
// exists, and a poll stands in where it does not.
const subscribe = createSubscriber((update) => {
	const navigation = (window as { navigation?: EventTarget }).navigation;
	const poll = navigation ? undefined : setInterval(update, 500);
	window.addEventListener('popstate', update);
	navigation?.addEventListener('currententrychange', update);
	return () => {
		window.removeEventListener('popstate', update);
		navigation?.removeEventListener('currententrychange', update);
		clearInterval(poll);
	};
});

/** The page's pathname, reactive in an effect or a `$derived`. */
export function currentPathname(): string {
	subscribe();
	return location.pathname;
}
