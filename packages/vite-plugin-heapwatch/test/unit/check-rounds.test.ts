import { describe, expect, it } from 'vitest';
import { roundsOf } from '../../src/cli/rounds.ts';

const countsOf = (rounds: string[][], targets: string[]) => targets.map((target) => rounds.flat().filter((t) => t === target).length);

describe("heapwatch check's rounds", () => {
	const targets = ['/a', '/b', '/c', '/d', '/e'];

	it.each([20, 7, 1, 0])('gives every target every request of a batch of %i rounds', (size) => {
		const rounds = roundsOf(targets, size);
		expect(rounds).toHaveLength(size);
		expect(countsOf(rounds, targets)).toEqual(targets.map(() => size));
	});

	it('requests half of the targets twice and the others not at all in each round of a pair, so that intervals hold different mixes', () => {
		const rounds = roundsOf(targets, 20);
		for (let pair = 0; pair < 20; pair += 2) {
			const [first, second] = [new Set(rounds[pair]), new Set(rounds[pair + 1])];
			expect(first.size + second.size).toBe(targets.length);
			for (const target of first) expect(second.has(target)).toBe(false);
		}
	});

	it('requests a lone target once a round', () => {
		expect(roundsOf(['/a'], 4)).toEqual([['/a'], ['/a'], ['/a'], ['/a']]);
	});
});
