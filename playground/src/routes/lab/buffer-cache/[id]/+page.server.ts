// Thumbnails cached per id as Buffers: the growth shows in external memory, not heapUsed.
const thumbnails = new Map<string, Buffer>();

export async function load({ params }) {
	const thumbnail = Buffer.alloc(64 * 1024, params.id);
	thumbnails.set(params.id, thumbnail);
	return { cached: thumbnails.size };
}
