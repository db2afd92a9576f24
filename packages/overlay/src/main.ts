import options from 'virtual:heapwatch-options';
import { startOverlay } from './shell.ts';

const TAG = 'heapwatch-overlay';

// Vite's client runs once per page load, but an HMR of the client or a second plugin instance must
// not add a second overlay.
if (options && !document.querySelector(TAG)) {
	const host = document.createElement(TAG);
	host.id = TAG;
	// An open shadow root: the app's styles do not reach in, ours do not leak out, and tests can look inside.
	const shadow = host.attachShadow({ mode: 'open' });
	document.body.append(host);
	startOverlay(shadow, options);
}
