import { describe, expect, it } from 'vitest';
import { matchRouteId, routePattern } from '../src/routes/route-pattern.ts';

describe('route ids matched as SvelteKit matches them', () => {
	const ids = ['/', '/blog', '/blog/[slug]', '/blog/new', '/(app)/admin/[id]', '/docs/[...path]', '/[[lang]]/about', '/files/[name].[ext]', null];

	it.each([
		['/', '/'],
		['/blog', '/blog'],
		['/blog/', '/blog'],
		['/blog/hello', '/blog/[slug]'],
		['/blog/new', '/blog/new'],
		['/admin/7', '/(app)/admin/[id]'],
		['/docs', '/docs/[...path]'],
		['/docs/a/b/c', '/docs/[...path]'],
		['/about', '/[[lang]]/about'],
		['/fr/about', '/[[lang]]/about'],
		['/files/report.pdf', '/files/[name].[ext]'],
		['/nowhere/at/all', null]
	])('%s is %s', (pathname, id) => {
		expect(matchRouteId(pathname, ids)).toBe(id);
	});

	it('ranks static segments above parameters, and parameters above rest segments', () => {
		expect(routePattern('/blog/new').specificity).toBeGreaterThan(routePattern('/blog/[slug]').specificity);
		expect(routePattern('/docs/[slug]').specificity).toBeGreaterThan(routePattern('/docs/[...path]').specificity);
	});
});
