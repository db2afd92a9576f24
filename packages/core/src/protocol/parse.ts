/** Reading what arrives: JSON text or a parsed body in, a typed message out, or null when it is not one. */
import { isObject } from './checks.ts';
import { MAX_CLIENT_MESSAGE_BYTES } from './endpoints.ts';
import type { ClientMessage, ServerMessage } from './feed-messages.ts';
import type { RetainerCaptureStatus } from './report.ts';
import { isDeltaMessage, isRetainerStatus, isStateMessage } from './schema.ts';

function parse(data: unknown, maxLength: number): Record<string, unknown> | null {
	if (typeof data !== 'string' || data.length > maxLength) return null;
	try {
		const value: unknown = JSON.parse(data);
		return isObject(value) ? value : null;
	} catch {
		return null;
	}
}

/** A message from the overlay, or null when it is not one (wrong shape, not JSON, too long). */
export function parseClientMessage(data: unknown): ClientMessage | null {
	const message = parse(data, MAX_CLIENT_MESSAGE_BYTES);
	return message?.type === 'heapwatch:resync' ? { type: 'heapwatch:resync' } : null;
}

/** A message from the server, or null when it is not one. */
export function parseServerMessage(data: unknown): ServerMessage | null {
	const message = parse(data, Infinity);
	if (message?.type === 'heapwatch:state' && isStateMessage(message)) return message;
	if (message?.type === 'heapwatch:delta' && isDeltaMessage(message)) return message;
	return null;
}

/**
 * The body of `GET {base}__heapwatch/retainers?route=` (or of the POST that starts a capture), or null
 * when it is not a capture's status (an error body, say).
 */
export function parseRetainerStatus(value: unknown): RetainerCaptureStatus | null {
	return isRetainerStatus(value) ? value : null;
}
