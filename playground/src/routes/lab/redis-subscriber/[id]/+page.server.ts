import { error } from '@sveltejs/kit';
import { connectRedis, RedisUnavailable } from '#lib/lab/redis.ts';

export async function load({ params }) {
	let subscriber;
	try {
		subscriber = await connectRedis();
	} catch (cause) {
		if (cause instanceof RedisUnavailable) error(503, cause.message);
		throw cause;
	}
	// Missing: subscriber.quit() in a finally block. Each request leaves a connection subscribed forever.
	const channels = await subscriber.subscribe(`lab:${params.id}`);
	return { channel: `lab:${params.id}`, channels };
}
