import { acquire, poolSize } from '#lib/lab/pool.ts';

export async function load({ params }) {
	const connection = acquire();
	const row = connection.buffer[Number(params.id) % connection.buffer.length];
	// Missing: connection.release() in a finally block.
	return { row: row.value, open: poolSize() };
}
