import { describe, expect, it } from 'vitest';
import { defaults, resolveOptions, routeMatcher } from '../../src/options.ts';

describe('resolveOptions', () => {
	it('returns the defaults for no options', () => {
		expect(resolveOptions()).toEqual(defaults);
	});

	it('names an unknown option and lists the known ones', () => {
		expect(() => resolveOptions({ treshold: 1 } as never)).toThrow(
			`[heapwatch] unknown option "treshold". Known options: ${Object.keys(defaults).join(', ')}. See the Options section of the vite-plugin-heapwatch README`
		);
	});

	it('refuses names that only Object.prototype has: they are not options', () => {
		for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
			expect(() => resolveOptions(JSON.parse(`{ "${name}": 1 }`))).toThrow(`[heapwatch] unknown option "${name}".`);
			expect(() => resolveOptions({ overlay: JSON.parse(`{ "${name}": 1 }`) })).toThrow(`[heapwatch] unknown option "overlay.${name}".`);
		}
	});

	it('names a bad value, what it should be, and what it got', () => {
		expect(() => resolveOptions({ leakThreshold: '4kb' as never })).toThrow(
			'[heapwatch] option "leakThreshold" must be a whole number from 1 to 2147483648, got "4kb".'
		);
		expect(() => resolveOptions({ sampleInterval: 10 })).toThrow('option "sampleInterval" must be a whole number from 100 to 600000, got 10');
		expect(() => resolveOptions({ enabled: 'yes' as never })).toThrow('option "enabled" must be true or false, got "yes"');
		expect(() => resolveOptions({ ignoreRoutes: '/api' as never })).toThrow('option "ignoreRoutes" must be an array');
	});

	it('keeps the overlay out of browsers driven by automation unless asked', () => {
		expect(resolveOptions().overlay).toMatchObject({ inAutomatedBrowsers: false });
		expect(resolveOptions({ overlay: { inAutomatedBrowsers: true } }).overlay).toEqual({
			position: 'bottom-right',
			open: false,
			shortcut: 'alt-shift-h',
			inAutomatedBrowsers: true
		});
		expect(() => resolveOptions({ overlay: { inAutomatedBrowsers: 'yes' as never } })).toThrow(
			'option "overlay.inAutomatedBrowsers" must be true or false, got "yes"'
		);
		expect(() => resolveOptions({ overlay: 'on' as never })).toThrow(
			'option "overlay" must be false or an object ({ position, open, shortcut, inAutomatedBrowsers }), got "on"'
		);
	});

	it('matches ignored routes by exact id, null for 404s, and RegExp', () => {
		const ignored = routeMatcher(['/api/health', null, /^\/admin/]);
		expect(ignored('/api/health')).toBe(true);
		expect(ignored(null)).toBe(true);
		expect(ignored('/admin/[id]')).toBe(true);
		expect(ignored('/blog/[slug]')).toBe(false);
	});
});
