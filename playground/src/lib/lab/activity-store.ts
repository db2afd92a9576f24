import { writable } from 'svelte/store';

/** A global store on the server: shared by every request and every user. */
export const activity = writable<{ id: string; at: number; tags: string[] }[]>([]);
