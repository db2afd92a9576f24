import { styleText } from 'node:util';
import type { Logger } from 'vite';

/**
 * Every line heapwatch prints goes through here: Vite's logger (so logLevel, --silent and a
 * customLogger apply), one prefix, and messages keyed for "say it once".
 */
export interface Log {
	info(message: string): void;
	warn(message: string): void;
	error(message: string): void;
	/** Logs the message the first time this key is seen; later calls are dropped. */
	once(key: string, level: 'info' | 'warn' | 'error', message: string): void;
}

const MAX_ONCE_KEYS = 1000;

export function createLog(logger: Logger): Log {
	const prefix = styleText(['magenta', 'bold'], '[heapwatch]');
	const said = new Set<string>();
	const log: Log = {
		info: (message) => logger.info(`${prefix} ${message}`, { timestamp: true }),
		warn: (message) => logger.warn(`${prefix} ${styleText('yellow', message)}`, { timestamp: true }),
		error: (message) => logger.error(`${prefix} ${styleText('red', message)}`, { timestamp: true }),
		once(key, level, message) {
			if (said.has(key)) return;
			if (said.size >= MAX_ONCE_KEYS) said.clear();
			said.add(key);
			log[level](message);
		}
	};
	return log;
}
