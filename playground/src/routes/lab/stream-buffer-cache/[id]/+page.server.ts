import { Readable } from 'node:stream';

// Thumbnails read through a stream and cached per id: the Buffers are built by the stream's
// machinery, outside the JS heap. Bounded only so that load tests of the lab stay within memory.
const thumbnails = new Map<string, Buffer>();
const MAX_THUMBNAILS = 1000;

async function readThumbnail(id: string): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of Readable.from(Array.from({ length: 16 }, () => Buffer.alloc(4096, id)))) chunks.push(chunk);
	return Buffer.concat(chunks);
}

export async function load({ params }) {
	const thumbnail = await readThumbnail(params.id);
	if (thumbnails.size < MAX_THUMBNAILS) thumbnails.set(params.id, thumbnail);
	return { bytes: thumbnail.length, cached: thumbnails.size };
}
