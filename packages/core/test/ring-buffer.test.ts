import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../src/ring-buffer.ts';

describe('RingBuffer', () => {
	it('keeps the newest items up to its capacity', () => {
		const ring = new RingBuffer<number>(3);
		for (let i = 1; i <= 5; i++) ring.push(i);
		expect([...ring.newestFirst()]).toEqual([5, 4, 3]);
		expect(ring.size).toBe(3);
	});

	it('rejects a capacity below one', () => {
		expect(() => new RingBuffer(0)).toThrow('RingBuffer capacity must be >= 1, got 0');
	});
});
