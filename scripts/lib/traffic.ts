import type { Report } from '../../packages/core/src/protocol.ts';

/** A lab href with `{n}` replaced by a parameter never used before in this run. */
let counter = 0;
export const fresh = (href: string) => href.replace('{n}', `${Date.now().toString(36)}${(counter++).toString(36)}`);

export function shuffle<T>(items: T[]): T[] {
	const copy = [...items];
	for (let i = copy.length - 1; i > 0; i--) {
		const j = Math.floor(Math.random() * (i + 1));
		[copy[i], copy[j]] = [copy[j], copy[i]];
	}
	return copy;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** GET a path and read the whole body, as a browser would; throws on a network error only. */
export async function get(base: string, path: string): Promise<number> {
	const response = await fetch(base + path);
	await response.arrayBuffer();
	return response.status;
}

export async function report(base: string): Promise<Report> {
	const response = await fetch(`${base}/__heapwatch/report.json`);
	return (await response.json()) as Report;
}

/** POSTs a form from the app's own origin (SvelteKit refuses cross-site form posts); the status. */
export async function postForm(base: string, path: string, body = ''): Promise<number> {
	const response = await fetch(base + path, {
		method: 'POST',
		headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded' },
		body
	});
	await response.arrayBuffer();
	return response.status;
}
