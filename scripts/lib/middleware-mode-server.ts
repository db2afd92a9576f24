/**
 * The playground's Vite dev server in middlewareMode, mounted on a plain node:http server of its own,
 * as an app with a custom server (Express, Fastify) would run it. heapwatch then has no httpServer
 * of Vite's: its overlay feed is server-sent events through the middlewares.
 *
 *   node scripts/lib/middleware-mode-server.ts --port 5173
 *
 * Started by startDevServer({ entry: 'middleware-mode' }) in tests and benchmarks.
 */
import { createServer as createHttpServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

// Vite as the app in the working directory has it (the playground's), not one of ours.
const vitePath = createRequire(path.join(process.cwd(), 'package.json')).resolve('vite');
const { createServer } = (await import(pathToFileURL(vitePath).href)) as typeof import('vite');

const { values } = parseArgs({
	options: { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' }, config: { type: 'string' } },
	allowPositionals: true,
	strict: false
});
const vite = await createServer({ configFile: values.config as string | undefined, server: { middlewareMode: true }, appType: 'custom' });
const server = createHttpServer((req, res) => {
	vite.middlewares(req, res, () => {
		res.statusCode = 404;
		res.end('not found');
	});
});
server.listen(Number(values.port), String(values.host), () => console.log(`middleware-mode server on ${values.host}:${values.port}`));
const close = async () => {
	server.close();
	await vite.close();
	process.exit(0);
};
process.once('SIGTERM', close);
process.once('SIGINT', close);
