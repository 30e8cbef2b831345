// Factories: shapes, values, seeded randomness and errors.
import { describe, expect, it } from 'vitest';
import {
  arange,
  eye,
  full,
  Generator,
  linspace,
  manualSeed,
  ones,
  onesLike,
  rand,
  randint,
  randn,
  tensor,
  zeros,
  zerosLike,
} from '../index.js';

describe('tensor()', () => {
  it('reads numbers, nested arrays and flat arrays with a shape', () => {
    expect(tensor(2).shape).toEqual([]);
    expect(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]).shape,
    ).toEqual([2, 3]);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor(new Float32Array([1, 2, 3, 4]), [2, 2]).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(tensor(Int32Array.of(1, 2)).toArray()).toEqual([1, 2]);
    expect(tensor([1, 2], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(tensor([1, 2, 3, 4], [2, 2], { requiresGrad: true }).requiresGrad).toBe(true);
  });
  it('copies its input, so later changes to the array do not leak in', () => {
    const source = new Float32Array([1, 2]);
    const t = tensor(source);
    source[0] = 9;
    expect(t.toArray()).toEqual([1, 2]);
  });
  it('reshapes nested values to an explicit shape, which they must fill', () => {
    expect(
      tensor(
        [
          [1, 2],
          [3, 4],
        ],
        [4],
      ).toArray(),
    ).toEqual([1, 2, 3, 4]);
    expect(tensor(5, [1]).shape).toEqual([1]);
    expect(() =>
      tensor(
        [
          [1, 2],
          [3, 4],
        ],
        [2],
      ),
    ).toThrow('tensor: 4 values do not fill shape [2] (2 needed)');
  });
  it('rejects ragged arrays and shapes that do not fit', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(
      'tensor: ragged nested array: values[1] has length 1, expected length 2',
    );
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow('tensor: 3 values do not fill shape [2,2] (4 needed)');
  });
});

describe('constant and range factories', () => {
  it('zeros, ones, full, *Like, eye', () => {
    expect(zeros([2, 2]).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(ones([3]).toArray()).toEqual([1, 1, 1]);
    expect(full([2], 7).toArray()).toEqual([7, 7]);
    expect(zerosLike(ones([2, 3])).shape).toEqual([2, 3]);
    expect(onesLike(zeros([1])).toArray()).toEqual([1]);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(() => zeros([2, -1])).toThrow('full: shape [2,-1] must hold non-negative integers');
  });
  it('arange and linspace', () => {
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(3, 0, -1).toArray()).toEqual([3, 2, 1]);
    expect(() => arange(0, 1, 0)).toThrow('arange: step must be a finite non-zero number, got 0');
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });
});

describe('random factories', () => {
  it('are reproducible from an explicit generator and from manualSeed', () => {
    expect(rand([5], { generator: new Generator(7) }).toArray()).toEqual(
      rand([5], { generator: new Generator(7) }).toArray(),
    );
    manualSeed(3);
    const first = randn([4]).toArray();
    manualSeed(3);
    expect(randn([4]).toArray()).toEqual(first);
    expect(rand([4], { generator: new Generator(8) }).toArray()).not.toEqual(
      rand([4], { generator: new Generator(9) }).toArray(),
    );
  });
  it('draw from the right ranges and distributions', () => {
    const generator = new Generator(11);
    const u = rand([10_000], { generator });
    expect(u.min().item()).toBeGreaterThanOrEqual(0);
    expect(u.max().item()).toBeLessThan(1);
    const n = randn([20_000], { generator });
    expect(Math.abs(n.mean().item())).toBeLessThan(0.03);
    expect(Math.abs(n.std().item() - 1)).toBeLessThan(0.03);
    const k = randint(-2, 3, [5_000], { generator });
    expect(k.min().item()).toBe(-2);
    expect(k.max().item()).toBe(2);
    expect(k.eq(k.clamp(-2, 2)).sum().item()).toBe(5_000);
    expect(() => randint(3, 3, [1])).toThrow('randint: need integers low < high, got low=3, high=3');
  });
});
