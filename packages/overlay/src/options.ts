/** What `virtual:heapwatch-options` holds: written by the plugin (src/overlay/overlay-plugin.ts). */
export interface OverlayOptions {
	position: 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';
	open: boolean;
	shortcut: string;
	transport: { kind: 'ws' | 'sse'; path: string; token: string };
	base: string;
	root: string;
}
