import { readFileSync } from 'node:fs';
import path from 'node:path';
import MagicString from 'magic-string';
import type { Plugin } from 'vite';
import { declarationLine, SCOPE_REGISTRY_KEY } from '@heapwatch/core';
import { planScope, type AstNode, type ScopePlan } from './plan-scope.ts';

/** The app's own server-side scripts (route files, hooks, remote functions, #lib modules); Svelte components are left alone. */
const SCRIPT = /\.(?:[cm]?[jt]s)$/;
const COUNTERS = '__heapwatch$writes';

/**
 * Lets heapwatch watch the app's server modules at module scope (see @heapwatch/core's scope/):
 * an SSR-only transform of the app's own scripts that registers a getter for each top-level binding
 * when the module instance evaluates, and bumps a counter where a function reassigns a top-level
 * `let`. Chosen over reading `[[Scopes]]` through the inspector: a closure's scope holds only the
 * bindings its code uses (V8 drops the rest), writes to a `let` leave no trace there, and each read
 * is an inspector round trip per function per sample; the transform sees every binding and costs
 * nothing per request but the counter bump.
 */
export function scopePlugin(): Plugin {
	let src = '';
	return {
		name: 'heapwatch:scope',
		apply: 'serve',
		enforce: 'post',
		configResolved(config) {
			src = path.join(config.root, 'src') + path.sep;
		},
		transform: {
			filter: { id: { include: [SCRIPT], exclude: [/[\\/]node_modules[\\/]/, /\?/] } },
			handler(code, id, options) {
				const ssr = this.environment ? this.environment.config.consumer === 'server' : options?.ssr;
				if (!ssr || !id.startsWith(src) || !SCRIPT.test(id) || id.includes('/node_modules/')) return;
				let plan: ScopePlan;
				try {
					plan = planScope(this.parse(code) as unknown as AstNode);
				} catch {
					return; // Not parseable as plain JS here, or too large: left unwatched.
				}
				if (plan.bindings.length === 0) return;
				return instrument(code, id, plan);
			}
		}
	};
}

function instrument(code: string, file: string, plan: ScopePlan) {
	const source = readSource(file);
	const s = new MagicString(code);
	for (const write of plan.writes) {
		s.appendLeft(write.start, `(${COUNTERS}[${write.slot}]++, `);
		s.prependRight(write.end, ')');
	}
	const tuples = plan.bindings.map((binding) => {
		const line = (source && topLevelLine(source, binding.name)) ?? code.slice(0, binding.start).split('\n').length;
		return `[${JSON.stringify(binding.name)}, ${line}, "${binding.declaration}", () => ${binding.name}, ${binding.writeSlot}, ${binding.evicts ? 1 : 0}]`;
	});
	// Properties set from request data: write counters only, at their object's declaration line.
	for (const property of plan.properties) {
		const line = (source && topLevelLine(source, property.binding.name)) ?? code.slice(0, property.binding.start).split('\n').length;
		tuples.push(`[${JSON.stringify(property.name)}, ${line}, "${property.binding.declaration}", () => undefined, ${property.writeSlot}, 0]`);
	}
	// On the first line, so that no line moves: stack traces and allocation sites keep their lines.
	s.prepend(`const ${COUNTERS} = new Uint32Array(${plan.slots});`);
	s.append(`\n;globalThis[Symbol.for(${JSON.stringify(SCOPE_REGISTRY_KEY)})]?.register(${JSON.stringify(file)}, [${tuples.join(', ')}], ${COUNTERS});\n`);
	return { code: s.toString(), map: s.generateMap({ hires: 'boundary', source: file, includeContent: false }) };
}

function readSource(file: string): string | undefined {
	try {
		return readFileSync(file, 'utf8');
	} catch {
		return undefined;
	}
}

/** The declaration's line in the source on disk (TypeScript's type-only lines are gone from the transformed code). */
function topLevelLine(source: string, name: string): number | undefined {
	const identifier = name.replace(/\$/g, '\\$');
	const match = new RegExp(`^(?:export\\s+)?(?:const|let|var)\\s+${identifier}(?![\\w$])`, 'm').exec(source);
	if (match) return source.slice(0, match.index).split('\n').length;
	return declarationLine(source, name);
}
