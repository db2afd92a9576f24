import type { Connect } from 'vite';
import type { ServerResponse } from 'node:http';
import { requestStorage, type Monitor, type RequestContext } from '@heapwatch/core';
import type { Bridge } from './route-hook.ts';
import { OWN_PATH } from './endpoint-guard.ts';

export interface Routing {
	/** Whether Kit's route hook is in place; when it is not, routes are matched by URL. */
	hookInstalled(): boolean;
	/** Fallback router: the route id for a pathname, null for 404, undefined when not a page. */
	matchUrl(pathname: string): string | null | undefined;
}

/**
 * The connect middleware that opens a request's measurement and closes it when the response ends.
 * It runs before SvelteKit's own middleware, so `requestStorage.run(context, next)` makes the context
 * visible to handle, load, actions and +server code. Vite's module and asset requests pass through
 * too; they count as "in flight" (the GC waits for them) but are only attributed if Kit handled them.
 */
export function createRequestMiddleware(monitor: Monitor, routing: Routing, onError: (error: unknown) => void): Connect.NextHandleFunction {
	return function heapwatchRequestMiddleware(req, res, next) {
		// Our own endpoints are not the app's requests; the overlay's SSE feed (middlewareMode) stays open
		// for as long as a page does, and would keep the server from ever being idle.
		if (OWN_PATH.test(req.url ?? '')) return next();
		let context: RequestContext;
		try {
			context = monitor.begin(req.method ?? 'GET');
		} catch (error) {
			onError(error);
			return next();
		}
		let ended = false;
		const end = () => {
			if (ended) return;
			ended = true;
			try {
				if (!context.route && !routing.hookInstalled()) attributeByUrl(context, req, res, routing);
				// 'close' without a finished response: the client went away first (closed tab, cancelled fetch).
				monitor.end(context, res.statusCode, !res.writableFinished);
			} catch (error) {
				onError(error);
			}
		};
		res.once('finish', end);
		res.once('close', end);
		requestStorage.run(context, next);
	};
}

function remoteIdOfRequest(request: Request, remoteIdOf: (pathname: string) => string | undefined): string | null {
	try {
		return remoteIdOf(new URL(request.url).pathname) ?? null;
	} catch {
		return null;
	}
}

function attributeByUrl(context: RequestContext, req: Connect.IncomingMessage, res: ServerResponse, routing: Routing) {
	const type = String(res.getHeader('content-type') ?? '');
	if (!/text\/html|application\/json/.test(type)) return;
	const pathname = new URL(req.originalUrl ?? req.url ?? '/', 'http://localhost').pathname;
	const id = routing.matchUrl(pathname);
	if (id !== undefined) context.route = { id };
}

/**
 * What the wrapped Kit `handle` calls: marks the request as Kit's, with its route id. A remote
 * function called over HTTP has no route id: `remoteIdOf(pathname)` names it (`remote:<file>#<name>`).
 * One called while a page renders runs inside that page's request, and stays with the page.
 */
export function createBridge(
	monitor: Monitor,
	onError: (error: unknown) => void,
	remoteIdOf: (pathname: string) => string | undefined = () => undefined
): Bridge {
	return {
		handle(input, handle) {
			const context = requestStorage.getStore();
			const { event } = input;
			if (!context) return handle(input);
			if (!event.isSubRequest) {
				context.route = { id: event.route.id ?? remoteIdOfRequest(event.request, remoteIdOf) };
				return handle(input);
			}
			const sub = monitor.beginSubRequest(event.request.method);
			return requestStorage.run(sub, async () => {
				let status = 500;
				try {
					const response = (await handle(input)) as Response | undefined;
					status = response?.status ?? 200;
					return response;
				} finally {
					try {
						monitor.endSubRequest(event.route.id, sub, status);
					} catch (error) {
						onError(error);
					}
				}
			});
		}
	};
}
