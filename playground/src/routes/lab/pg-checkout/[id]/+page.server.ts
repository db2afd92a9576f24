import { error } from '@sveltejs/kit';
import { checkoutError, labPool, poolStats } from '#lib/lab/db.ts';

export async function load({ params }) {
	const pool = await labPool('checkout');
	let client;
	try {
		client = await pool.connect();
	} catch (cause) {
		error(503, checkoutError(pool, cause));
	}
	// Missing: client.release() in a finally block. The client and its socket stay checked out.
	const { rows } = await client.query('SELECT $1::text AS id, 6 * 7 AS answer', [params.id]);
	return { row: rows[0], ...poolStats(pool) };
}
