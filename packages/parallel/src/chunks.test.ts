import { describe, expect, it } from 'vitest';
import { assignChunks, chunkCount, chunkSeed } from './chunks.js';

describe('chunks', () => {
  it('covers a batch with fixed chunks whatever the number of workers', () => {
    expect(chunkCount(1, 16)).toBe(1);
    expect(chunkCount(64, 16)).toBe(4);
    expect(chunkCount(65, 16)).toBe(5);
  });

  it('assigns contiguous, near-equal ranges and leaves idle workers out', () => {
    expect(assignChunks(5, 2)).toEqual([
      { first: 0, end: 3 },
      { first: 3, end: 5 },
    ]);
    expect(assignChunks(4, 3)).toEqual([
      { first: 0, end: 2 },
      { first: 2, end: 3 },
      { first: 3, end: 4 },
    ]);
    expect(assignChunks(1, 4)).toEqual([{ first: 0, end: 1 }]);
  });

  it('derives distinct 64-bit seeds from (seed, step, chunk)', () => {
    const seeds = new Set([chunkSeed(0, 1, 0), chunkSeed(0, 1, 1), chunkSeed(0, 2, 0), chunkSeed(1, 1, 0)]);
    expect(seeds.size).toBe(4);
    for (const seed of seeds) expect(seed >= 0n && seed < 1n << 64n).toBe(true);
    expect(chunkSeed(5, 3, 2)).toBe(chunkSeed(5, 3, 2));
  });
});
