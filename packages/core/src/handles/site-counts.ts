import type { HandleSite } from '../protocol/report.ts';

/** What one tracked resource counts under: its kind and the app line that created it. */
export interface SiteOf {
	type: string;
	delayMs?: number;
	file: string;
	line: number;
}

export const siteKey = (site: SiteOf) => `${site.type}|${site.delayMs ?? ''}|${site.file}|${site.line}`;

/** Live handles counted by creation site; a site whose count drops to zero is forgotten. */
export class SiteCounts<Extra extends object = object> {
	#sites = new Map<string, HandleSite & Extra>();
	#total = 0;

	get total(): number {
		return this.#total;
	}

	add(key: string, site: SiteOf, extra: Extra): void {
		const known = this.#sites.get(key);
		if (known) known.count++;
		else
			this.#sites.set(key, {
				type: site.type,
				...(site.delayMs === undefined ? {} : { delayMs: site.delayMs }),
				file: site.file,
				line: site.line,
				count: 1,
				...extra
			});
		this.#total++;
	}

	remove(key: string): void {
		const known = this.#sites.get(key);
		if (!known) return;
		this.#total--;
		if (--known.count === 0) this.#sites.delete(key);
	}

	/** Copies, most first. */
	list(): (HandleSite & Extra)[] {
		return [...this.#sites.values()].map((site) => ({ ...site })).sort((a, b) => b.count - a.count);
	}
}
