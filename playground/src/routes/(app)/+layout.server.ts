export async function load() {
	return { section: 'admin' };
}
