import { MARKER_FUNCTION } from '../request/request-markers.ts';
import { isInnermostOnly, TOOLING, type ClassifyScript, type IsAppCode } from './allocation-keys.ts';
import { siteKey } from './allocation-site.ts';
import type { ProfileNode } from './sampling-profile.ts';
import { MAX_SCRIPTS, type ScriptNames } from './script-names.ts';

/**
 * Walks a profile's call tree once and says, for each node, where the allocations made there belong:
 * the innermost frame on the stack that the classifier recognises (a route's server file,
 * hooks.server), the app's innermost function, and whether a request marker is on the stack. What
 * the samples of each node add up to is the tally's job (live-bytes-tally.ts).
 */

/** Where the allocations of one node of the profile belong. */
export interface Place {
	/** The innermost route file's (or shared source's) key on the stack. */
	key: string | undefined;
	/** The app's innermost function on the stack (see siteKey). */
	site: string | undefined;
	/** What the innermost frame with a script says when no route file does: TOOLING, an INSTRUMENTATION key, or nothing. */
	innermost: string | undefined;
	/** A request marker's allocation (request/request-markers.ts), not the app's. */
	marker: boolean;
}

/** A node on the way down, with what its callers decided. */
interface Walk {
	node: ProfileNode;
	key: string | undefined;
	site: string | undefined;
	innermost: string | undefined;
	underTooling: boolean;
	marker: boolean;
}

export class ProfilePlaces {
	#classify: ClassifyScript;
	#isAppCode: IsAppCode;
	#names: ScriptNames;
	/** The classifier's answer per node id (null: none), kept from read to read. */
	#keyOfNode = new Map<number, string | null>();

	constructor(classify: ClassifyScript, isAppCode: IsAppCode, names: ScriptNames) {
		this.#classify = classify;
		this.#isAppCode = isAppCode;
		this.#names = names;
	}

	/** Scripts were named: nodes classified before their script had a name are classified again. */
	forgetKeys(): void {
		this.#keyOfNode.clear();
	}

	/** The place of every node under `head`, by node id. */
	of(head: ProfileNode): Map<number, Place> {
		const placeOfNode = new Map<number, Place>();
		const stack: Walk[] = [{ node: head, key: undefined, site: undefined, innermost: undefined, underTooling: false, marker: false }];
		while (stack.length > 0) {
			const { node, key: inherited, site: outerSite, innermost: outerInnermost, underTooling: outerTooling, marker: outerMarker } = stack.pop()!;
			const own = this.#keyOf(node);
			const innermostOnly = isInnermostOnly(own);
			const key = innermostOnly ? inherited : (own ?? inherited);
			const site = this.#siteOf(node) ?? outerSite;
			// The innermost frame with a script decides whether an allocation no route file places is the
			// instrumentation's. Any Vite or heapwatch frame on the stack makes it the tooling's: a
			// transform (Svelte's compiler under Vite's plugin container) or a module evaluation, not a request.
			const innermost = this.#names.urlOf(node.callFrame) ? (innermostOnly ? own : undefined) : outerInnermost;
			const underTooling = outerTooling || own === TOOLING;
			const marker = outerMarker || node.callFrame.functionName === MARKER_FUNCTION;
			placeOfNode.set(node.id, { key, site, innermost: underTooling ? TOOLING : innermost, marker });
			for (const child of node.children) stack.push({ node: child, key, site, innermost, underTooling, marker });
		}
		return placeOfNode;
	}

	#siteOf(node: ProfileNode): string | undefined {
		const url = this.#names.urlOf(node.callFrame);
		if (!url || !this.#isAppCode(url)) return undefined;
		const { functionName, lineNumber: line, columnNumber: column } = node.callFrame;
		return siteKey({ url, functionName, line, column });
	}

	#keyOf(node: ProfileNode): string | undefined {
		let key = this.#keyOfNode.get(node.id);
		if (key === undefined) {
			const url = this.#names.urlOf(node.callFrame);
			key = (url ? this.#classify(url) : undefined) ?? null;
			if (this.#keyOfNode.size >= MAX_SCRIPTS * 4) this.#keyOfNode.clear();
			this.#keyOfNode.set(node.id, key);
		}
		return key ?? undefined;
	}
}
