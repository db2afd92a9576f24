import { EventEmitter } from 'node:events';
import { makeRecords } from '#lib/lab/payload.ts';

// A module-level emitter: every request subscribes and nobody unsubscribes.
const priceUpdates = new EventEmitter();
priceUpdates.setMaxListeners(0);

export async function load({ params }) {
	const records = makeRecords(params.id, 500);
	priceUpdates.on('update', (price: number) => {
		records[0].score = price;
	});
	return { listeners: priceUpdates.listenerCount('update') };
}
