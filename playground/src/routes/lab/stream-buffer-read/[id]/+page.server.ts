import { Readable } from 'node:stream';

// The same thumbnail read through a stream, sent and dropped.
async function readThumbnail(id: string): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of Readable.from(Array.from({ length: 16 }, () => Buffer.alloc(4096, id)))) chunks.push(chunk);
	return Buffer.concat(chunks);
}

export async function load({ params }) {
	const thumbnail = await readThumbnail(params.id);
	return { bytes: thumbnail.length, cached: 0 };
}
