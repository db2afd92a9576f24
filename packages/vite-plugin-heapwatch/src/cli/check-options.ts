import type { CheckOptions, CheckRoute, ResolvedCheckOptions } from '../options.ts';

type Invalid = (name: string, expected: string, value: unknown) => Error;

const METHOD = /^[A-Za-z]+$/;

/** Validates `heapwatch({ check })`: every route becomes `{ url, method, body? }`. */
export function resolveCheck(check: CheckOptions | undefined, invalid: Invalid): ResolvedCheckOptions {
	if (check === undefined) return { routes: [] };
	if (typeof check !== 'object' || check === null || Array.isArray(check)) throw invalid('check', 'an object ({ routes, runs })', check);
	for (const name of Object.keys(check)) {
		if (name !== 'routes' && name !== 'runs') throw new TypeError(`[heapwatch] unknown option "check.${name}". Known check options: routes, runs`);
	}
	const runs = check.runs;
	if (runs !== undefined && (!Number.isInteger(runs) || runs < 1 || runs > 10_000)) throw invalid('check.runs', 'a whole number from 1 to 10000', runs);
	const routes = check.routes ?? [];
	if (!Array.isArray(routes)) throw invalid('check.routes', 'an array of URL templates or { url, method, body }', routes);
	const resolved = routes.map((route, i) => toCheckRoute(route, `check.routes[${i}]`, invalid));
	return runs === undefined ? { routes: resolved } : { routes: resolved, runs };
}

export function toCheckRoute(route: unknown, name: string, invalid: Invalid): CheckRoute {
	const value = typeof route === 'string' ? { url: route } : route;
	if (typeof value !== 'object' || value === null) throw invalid(name, 'a URL template or { url, method, body }', route);
	const { url, method = 'GET', body } = value as CheckRoute;
	if (typeof url !== 'string' || !url.startsWith('/')) throw invalid(`${name}.url`, 'a path starting with "/"', url);
	if (typeof method !== 'string' || !METHOD.test(method)) throw invalid(`${name}.method`, 'an HTTP method such as "POST"', method);
	if (body !== undefined && typeof body !== 'string' && (typeof body !== 'object' || body === null)) {
		throw invalid(`${name}.body`, 'a string or an object of form fields', body);
	}
	return body === undefined ? { url, method: method.toUpperCase() } : { url, method: method.toUpperCase(), body };
}
