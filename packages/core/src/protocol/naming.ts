/** How report entries are named: their keys in maps, and the words the terminal and the overlay both use. */
import type { KeptBy } from './report.ts';

/** The requests that matched no route (404) are one bucket, with no route id: its key in maps. */
const NOT_FOUND_KEY = '(404)';
export const routeKey = (id: string | null): string => id ?? NOT_FOUND_KEY;
/** Whether a keeper's entries are listeners (an EventEmitter's or an EventTarget's), as the terminal and the overlay say. */
export const countsListeners = (keeper: Pick<KeptBy, 'kind'>): boolean => keeper.kind === 'EventEmitter' || keeper.kind === 'EventTarget';
/** How a route is named to a person, in the terminal and the overlay: the 404 bucket has no id. */
export const routeLabel = (id: string | null): string => id ?? '404 (no route)';
