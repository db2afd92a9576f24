import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { ViteDevServer } from 'vite';
import { TOKEN_HEADER } from '@heapwatch/core';

/**
 * Who may use heapwatch's endpoints. Every `/__heapwatch/` request must come from the dev server's own
 * pages or from no page at all (curl, `heapwatch check`): a browser sends Origin (or Sec-Fetch-Site)
 * with a request another site makes, and a page elsewhere could otherwise start heap snapshots or
 * read what the app keeps. And every one must carry this process's token: the overlay gets it through
 * our virtual module (which Vite serves under its own host and CORS checks), `heapwatch check` in
 * process, a person from the line the terminal prints at start; another user of the machine, or a
 * local page on another port, has none. A heap snapshot holds the server's environment values. A
 * websocket accepts any Origin by default: that hole was CVE-2025-24964 (vitest UI) and CVE-2025-24010 (Vite).
 */
export interface Access {
	readonly token: string;
	/** Null when the request may connect, else why not (for the log, never sent to the client). */
	refuse(req: IncomingMessage): Refusal | null;
}

export interface Refusal {
	/** `origin`: not the dev server's page, worth a warning. `token`: often a tab left open across a restart. */
	kind: 'origin' | 'token';
	detail: string;
}

let processToken: string | undefined;

/**
 * One token per process, made on first use: a Vite restart (`r`, config edits) keeps it, so an open
 * page reconnects; a new process makes a new one, and Vite's client reloads the page anyway.
 */
export function heapwatchToken(): string {
	processToken ??= randomBytes(24).toString('base64url');
	return processToken;
}

/** The token a request carries, in its header or its `?token=`; null when none. */
export function requestToken(req: IncomingMessage): string | null {
	const header = req.headers[TOKEN_HEADER];
	if (typeof header === 'string') return header;
	return new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
}

// Hashing first makes both sides the same length, so the comparison time says nothing about the token.
const digest = (value: string) => createHash('sha256').update(value).digest();

export function tokenMatches(candidate: string | null, token: string): boolean {
	if (candidate === null) return false;
	return timingSafeEqual(digest(candidate), digest(token));
}

export interface AccessOptions {
	/** Vite's `server.allowedHosts`. */
	allowedHosts: string[] | true;
	/** Origins besides the request's own host that serve the app (Vite's `server.origin`, resolved URLs). */
	extraOrigins(): Iterable<string>;
	/** Whether a request without an Origin header may connect (event streams: same-origin GETs carry none). */
	allowMissingOrigin: boolean;
}

/** The origins that serve this dev server's pages, as Vite knows them. */
export function originPolicy(server: ViteDevServer, allowMissingOrigin: boolean): AccessOptions {
	const { origin, allowedHosts } = server.config.server;
	return {
		allowedHosts,
		allowMissingOrigin,
		*extraOrigins() {
			if (origin) yield origin;
			if (server.resolvedUrls) yield* [...server.resolvedUrls.local, ...server.resolvedUrls.network];
		}
	};
}

/** Why a request comes from a page that is not the dev server's own (or from no page, when that is not allowed); null when it may. */
export function originRefusal(req: IncomingMessage, options: AccessOptions): Refusal | null {
	const origin = req.headers.origin;
	if (origin === undefined) {
		const site = req.headers['sec-fetch-site'];
		if (!options.allowMissingOrigin) return { kind: 'origin', detail: 'no Origin header' };
		if (site !== undefined && site !== 'same-origin' && site !== 'none') return { kind: 'origin', detail: `a ${site} request` };
	} else if (!originAllowed(origin, req.headers.host, options)) {
		return { kind: 'origin', detail: `Origin ${origin}` };
	}
	return null;
}

/** Why a request may not use heapwatch's endpoints for want of the token; null when it carries it. */
export function tokenRefusal(req: IncomingMessage, token = heapwatchToken()): Refusal | null {
	return tokenMatches(requestToken(req), token) ? null : { kind: 'token', detail: 'missing or wrong token' };
}

export function createAccess(options: AccessOptions): Access {
	const token = heapwatchToken();
	return {
		token,
		refuse(req) {
			return originRefusal(req, options) ?? tokenRefusal(req, token);
		}
	};
}

function originAllowed(origin: string, host: string | undefined, options: AccessOptions): boolean {
	let parsed: URL;
	try {
		parsed = new URL(origin);
	} catch {
		return false;
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
	for (const extra of options.extraOrigins()) {
		if (sameOrigin(extra, parsed)) return true;
	}
	// Same origin as the request, on a host Vite itself would serve (its DNS-rebinding guard).
	return parsed.host === host && hostAllowed(parsed.hostname, options.allowedHosts);
}

function sameOrigin(candidate: string, origin: URL): boolean {
	try {
		return new URL(candidate).origin === origin.origin;
	} catch {
		return false;
	}
}

/** Vite's rule (isHostAllowed in vite/src/node/server/middlewares/hostCheck.ts), which it does not export. */
export function hostAllowed(hostname: string, allowedHosts: string[] | true): boolean {
	if (allowedHosts === true) return true;
	const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
	if (isIP(bare) !== 0) return true;
	if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
	return allowedHosts.some((allowed) => (allowed.startsWith('.') ? bare === allowed.slice(1) || bare.endsWith(allowed) : bare === allowed));
}
