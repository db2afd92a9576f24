import { Redis } from 'ioredis';

const DEFAULT_URL = 'redis://127.0.0.1:6379';

/** Where the lab's Redis is: REDIS_URL, else a local server on the default port. */
export const redisUrl = () => process.env.REDIS_URL || DEFAULT_URL;

/** No Redis answers at REDIS_URL: the lab route turns it into a 503 that says how to start one. */
export class RedisUnavailable extends Error {}

/**
 * A new connection, connected. When no server answers, it fails within about a second and gives up for
 * good: no reconnect loop in the background, no queued commands waiting for a server that is not there.
 */
export async function connectRedis(): Promise<Redis> {
	const url = redisUrl();
	const redis = new Redis(url, {
		lazyConnect: true,
		connectTimeout: 1000,
		retryStrategy: () => null,
		maxRetriesPerRequest: 0,
		enableOfflineQueue: false
	});
	// ioredis prints "Unhandled error event" for every failed attempt unless someone listens.
	redis.on('error', () => {});
	try {
		await redis.connect();
		return redis;
	} catch (cause) {
		redis.disconnect();
		throw new RedisUnavailable(
			`No Redis server answers at ${url} (${(cause as Error).message}). Start one with \`redis-server --port 6379 --daemonize yes\` (Debian: apt-get install redis-server), or set REDIS_URL.`,
			{ cause }
		);
	}
}
