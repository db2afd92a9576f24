/**
 * Small type-guard combinators for the checks in schema.ts. Each `Check<T>` narrows a received value
 * to T, and `shape` takes one check per field of T, optional fields included, so a field added to a
 * type in report.ts (or a message) without its check, or a check of a field the type has not, fails to
 * compile.
 */

/** True only when the value has T's shape; false at the first field that does not. */
export type Check<T> = (value: unknown) => value is T;

/** One check per field of T. `-?` makes optional fields required here; their checks accept undefined (see `optional`). */
export type Fields<T> = { [K in keyof T]-?: Check<T[K]> };

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
export const isNumber: Check<number> = (value): value is number => typeof value === 'number' && Number.isFinite(value);
export const isString: Check<string> = (value): value is string => typeof value === 'string';
export const isBoolean: Check<boolean> = (value): value is boolean => typeof value === 'boolean';

/** Exactly this value: a version, or the tag of a message or warning. */
export const is =
	<const T>(expected: T): Check<T> =>
	(value): value is T =>
		value === expected;

/** One of a string union's members, listed as keys so that TypeScript sees a missing or unknown one. */
export const oneOf =
	<T extends string>(members: Record<T, true>): Check<T> =>
	(value): value is T =>
		typeof value === 'string' && Object.hasOwn(members, value);

export const orNull =
	<T>(check: Check<T>): Check<T | null> =>
	(value): value is T | null =>
		value === null || check(value);

export const optional =
	<T>(check: Check<T>): Check<T | undefined> =>
	(value): value is T | undefined =>
		value === undefined || check(value);

export const arrayOf =
	<T>(check: Check<T>): Check<T[]> =>
	(value): value is T[] =>
		Array.isArray(value) && value.every(check);

export const shape =
	<T>(fields: Fields<T>): Check<T> =>
	(value): value is T =>
		isObject(value) && Object.entries<Check<unknown>>(fields).every(([name, check]) => check(value[name]));

/** A union tagged by `kind`: the fields of the member the value names, no match for an unknown kind. */
export function byKind<T extends { kind: string }>(members: { [K in T['kind']]: Fields<Extract<T, { kind: K }>> }): Check<T> {
	const checks = Object.fromEntries(Object.entries<Fields<T>>(members).map(([kind, fields]) => [kind, shape(fields)]));
	return (value): value is T => isObject(value) && typeof value.kind === 'string' && Object.hasOwn(checks, value.kind) && checks[value.kind](value);
}
