/** Where heapwatch answers, after Vite's `base`, and the limits the feed keeps to. */

/** Every endpoint of heapwatch's, after Vite's `base`; one guard stands in front of them all. */
export const OWN_PREFIX = '__heapwatch/';
/** Websocket path. */
export const SOCKET_PATH = `${OWN_PREFIX}ws`;
/** Server-sent events path (fallback when Vite has no HTTP server of its own). */
export const EVENTS_PATH = `${OWN_PREFIX}events`;
/** `GET`: every route's state, as JSON (report.ts Report). */
export const REPORT_PATH = `${OWN_PREFIX}report.json`;
/** `POST ?route=` starts a retainer capture, `GET ?route=` reads it. */
export const RETAINERS_PATH = `${OWN_PREFIX}retainers`;
/** `GET <file>`: a capture's heap snapshot, for Chrome DevTools. */
export const SNAPSHOTS_PATH = `${OWN_PREFIX}snapshots/`;
/** Largest message a client may send. Larger frames close the connection before they are buffered. */
export const MAX_CLIENT_MESSAGE_BYTES = 1024;
/** Post-GC samples the overlay keeps for its process sparkline (the server keeps as many). */
export const HISTORY_KEPT = 120;
/** The header that carries this process's token on a fetch; a link (a snapshot download) carries `?token=` instead. */
export const TOKEN_HEADER = 'x-heapwatch-token';
