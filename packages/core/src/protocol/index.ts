/**
 * The protocol between the dev server and its clients (the overlay, `heapwatch check`, scripts): the
 * report's shapes, the endpoints, the feed's messages, their deltas and the checks on what arrives.
 * No Node or DOM imports under protocol/: the overlay bundles it through its `#messages` alias.
 */
export type * from './report.ts';
export * from './endpoints.ts';
export * from './naming.ts';
export * from './warnings.ts';
export * from './feed-messages.ts';
export * from './delta.ts';
export * from './parse.ts';
export { describeHandle } from '../handles/describe-handle.ts';
export { formatBytes } from '../format-bytes.ts';
// Which route a page is on: the overlay matches as the plugin's fallback router does.
export { matchRouteId } from '../routes/route-pattern.ts';
