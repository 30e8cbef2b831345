// Tests for the inline PCG32 and permutation: published reference outputs and pinned permutations.

import { describe, expect, it } from 'vitest';
import { Pcg32, permutation } from './pcg32.js';

describe('Pcg32', () => {
  it('matches the published pcg32 demo sequence for seed 42, stream 54', () => {
    const random = new Pcg32(42);
    const draws = Array.from({ length: 6 }, () => random.nextUint32());
    expect(draws).toEqual([0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e]);
  });

  it('treats a number seed and the equal bigint seed alike', () => {
    const a = new Pcg32(0x5eed);
    const b = new Pcg32(0x5eedn);
    for (let i = 0; i < 10; i++) expect(a.nextUint32()).toBe(b.nextUint32());
  });

  it('rejects seeds outside [0, 2^64)', () => {
    expect(() => new Pcg32(-1)).toThrow(/seed \(-1\) must be an integer in \[0, 2\^64\)/);
    expect(() => new Pcg32(2n ** 64n)).toThrow(/must be an integer in \[0, 2\^64\)/);
  });

  it('draws bounded integers in range', () => {
    const random = new Pcg32(7);
    for (let i = 0; i < 1000; i++) {
      const value = random.below(10);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(10);
    }
  });
});

describe('permutation', () => {
  it('is a permutation of 0..n-1 and depends only on the seed', () => {
    const order = permutation(1000, 0x5eed);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(permutation(1000, 0x5eed)).toEqual(order);
    expect(permutation(1000, 0x5eee)).not.toEqual(order);
  });

  it('is pinned for seed 0x5eed (equal to @backprop/core Generator(0x5eed).shuffle)', () => {
    expect(Array.from(permutation(10_000, 0x5eed).subarray(0, 8))).toEqual([
      1633, 3368, 2385, 7274, 3954, 6497, 1459, 1178,
    ]);
    // Checked once against core: new Generator(0x5eed).shuffle([0, 1, ..., 9]).
    expect(Array.from(permutation(10, 0x5eed))).toEqual([5, 9, 6, 3, 8, 2, 4, 0, 7, 1]);
  });

  it('handles 0 and 1 elements and rejects bad counts', () => {
    expect(permutation(0, 1)).toEqual(new Uint32Array(0));
    expect(permutation(1, 1)).toEqual(Uint32Array.of(0));
    expect(() => permutation(-1, 1)).toThrow(/count \(-1\) must be an integer/);
    expect(() => permutation(1.5, 1)).toThrow(/count \(1.5\) must be an integer/);
  });
});
