// Loads through event.fetch: Kit handles /api/items/[id] as a sub-request in the same process.
export async function load({ fetch }) {
	const response = await fetch('/api/items/7');
	return { item: await response.json() };
}
