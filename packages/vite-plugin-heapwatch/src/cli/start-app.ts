import { Console } from 'node:console';
import path from 'node:path';
import type { ViteDevServer } from 'vite';
import type { PluginApi } from '../index.ts';
import type { ResolvedOptions } from '../options.ts';
import { UsageError } from './args.ts';
import { loadAppVite } from './load-vite.ts';

export interface App {
	server: ViteDevServer;
	/** `http://127.0.0.1:<port>` plus Vite's base, without its trailing slash. */
	url: string;
	/** What heapwatch's endpoints want (the plugin's, in this process). */
	token: string;
	options: ResolvedOptions;
	close(): Promise<void>;
}

/**
 * Starts the app's dev server in this process, from the user's own vite.config: the requests the
 * CLI sends then run in the heap heapwatch measures, and the monitor is the one the plugin started.
 */
export async function startApp(root: string, configFile: string | undefined, verbose: boolean): Promise<App> {
	const { createServer, createLogger } = await loadAppVite(root);
	const server = await createServer({
		root,
		configFile: configFile ? path.resolve(root, configFile) : undefined,
		// stdout is the report's (JSON, JUnit or SARIF with --reporter): the server's own lines go to stderr.
		customLogger: createLogger(verbose ? 'info' : 'error', { allowClearScreen: false, console: new Console(process.stderr) }),
		clearScreen: false,
		server: { host: '127.0.0.1', port: 0, strictPort: false, open: false }
	});
	const plugin = server.config.plugins.find((p) => p.name === 'heapwatch');
	if (!plugin) {
		await server.close();
		const config = server.config.configFile ? path.relative(process.cwd(), server.config.configFile) : 'your vite config';
		throw new UsageError(
			`heapwatch() is not in the plugins of ${config} (or it has enabled: false). Add it after sveltekit():\n` +
				`  import heapwatch from 'vite-plugin-heapwatch';\n  plugins: [sveltekit(), heapwatch()]`
		);
	}
	const api = plugin.api as PluginApi;
	api.sampleFinelyUnderLoad();
	await server.listen();
	const address = server.httpServer?.address();
	if (!address || typeof address === 'string') {
		await server.close();
		throw new UsageError('The dev server did not listen on a TCP port (middlewareMode?): heapwatch check needs its own server.');
	}
	return {
		server,
		url: `http://127.0.0.1:${address.port}${server.config.base.replace(/\/$/, '')}`,
		token: api.token,
		options: api.options,
		close: () => server.close()
	};
}
