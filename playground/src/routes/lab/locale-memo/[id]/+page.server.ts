import { makeRecords, summarize } from '#lib/lab/payload.ts';

// A memo over a fixed set of keys: five locales, ~17 KB each. It fills once and never grows past five.
const LOCALES = ['en', 'fr', 'de', 'es', 'it'];
const byLocale = new Map<string, ReturnType<typeof makeRecords>>();

export async function load({ params }) {
	const locale = LOCALES[[...params.id].reduce((sum, char) => sum + char.charCodeAt(0), 0) % LOCALES.length];
	let table = byLocale.get(locale);
	if (!table) {
		table = makeRecords(locale, 350);
		byLocale.set(locale, table);
	}
	return { locale, ...summarize(table) };
}
