import { get } from 'svelte/store';
import { activity } from '#lib/lab/activity-store.ts';

export async function load({ params }) {
	// Every request appends to a store that lives as long as the server.
	activity.update((list) => [...list, ...Array.from({ length: 400 }, (_, i) => ({ id: params.id, at: Date.now(), tags: [`tag-${i}`] }))]);
	return { entries: get(activity).length };
}
