import { summarize } from '#lib/lab/payload.ts';
import { priceHistory } from '#lib/lab/price-history.ts';

export async function load({ params }) {
	return summarize(priceHistory(params.id));
}
