import { readHeapSnapshot } from './heap-snapshot.ts';
import { buildHeapGraph } from './heap-graph.ts';
import { grownObjects, objectIds } from './grown-objects.ts';
import { holdingVariable, retainerPath, type NamingOptions, type RetainerStep } from './retainer-path.ts';

/** Why memory grew between two snapshots of one process, in the user's terms. */
export interface GrowthAnalysis {
	/** Objects present only in the later snapshot and still reachable, by kind, most bytes first. */
	grown: { name: string; count: number; selfBytes: number }[];
	/** Shortest chain from the GC roots to one grown object of the kind that explains most of the growth. */
	path: RetainerStep[];
	/** The variable holding that growth, and the file owning its scope (for a module: the module). */
	variable: { name: string; file: string | null } | null;
}

/** Kinds listed, and kinds whose members are traced back to a variable. */
const MAX_GROUPS = 20;
const TRACED_GROUPS = 5;
const TRACED_PER_GROUP = 16;

/**
 * Reads two snapshot files taken in the same process, `before` first, and explains the growth.
 * Only the earlier snapshot's object ids are kept while the later one is read, so at most one
 * parsed snapshot is in memory; nothing is kept once this returns.
 */
export async function analyseGrowth(before: string, after: string, options: NamingOptions = {}): Promise<GrowthAnalysis> {
	const earlierIds = objectIds(await readHeapSnapshot(before));
	const graph = buildHeapGraph(await readHeapSnapshot(after));
	const groups = grownObjects(graph, earlierIds);

	// Each traced member votes for its nearest holding variable with the bytes its group stands for,
	// so a few stray objects kept elsewhere do not decide what the growth is.
	const votes = new Map<string, { bytes: number; target: number; variable: NonNullable<ReturnType<typeof holdingVariable>> }>();
	for (const group of groups.slice(0, TRACED_GROUPS)) {
		const step = Math.max(1, Math.floor(group.members.length / TRACED_PER_GROUP));
		const traced = group.members.filter((_, index) => index % step === 0).slice(0, TRACED_PER_GROUP);
		for (const member of traced) {
			const variable = holdingVariable(graph, member, options);
			if (!variable) continue;
			const key = `${variable.context}:${variable.edge}`;
			const vote = votes.get(key) ?? { bytes: 0, target: member, variable };
			vote.bytes += group.selfBytes / traced.length;
			votes.set(key, vote);
		}
	}
	const winner = [...votes.values()].sort((a, b) => b.bytes - a.bytes)[0];
	const target = winner?.target ?? groups[0]?.members[0];
	return {
		grown: groups.slice(0, MAX_GROUPS).map(({ name, count, selfBytes }) => ({ name, count, selfBytes })),
		path: target === undefined ? [] : retainerPath(graph, target, winner?.variable ?? null, options),
		variable: winner ? { name: winner.variable.name, file: winner.variable.file } : null
	};
}
