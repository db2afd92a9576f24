import { Session } from 'node:inspector';

/**
 * Every script V8 has loaded, by id, as the inspector names them. The ids are the `script_id`s of a
 * heap snapshot's locations. Enabling the Debugger replays scriptParsed for all loaded scripts,
 * synchronously, in an in-process session; it is disabled again at once (left on it slows code).
 * Vite's SSR modules are named only here: they run as `new AsyncFunction` with a `//# sourceURL=`.
 */
export function loadedScriptUrls(): Map<number, string> {
	const urls = new Map<number, string>();
	const session = new Session();
	session.connect();
	try {
		session.on('Debugger.scriptParsed', ({ params }) => {
			if (params.url) urls.set(Number(params.scriptId), params.url);
		});
		session.post('Debugger.enable');
		session.post('Debugger.disable');
	} finally {
		session.disconnect();
	}
	return urls;
}
