// Forward values and errors of Tensor operations (gradients are in autograd/gradcheck.test.ts).
import { describe, expect, it } from 'vitest';
import { expectClose } from '../../test/helpers.js';
import { arange, concat, stack, Tensor, tensor, where, sub, div } from '../index.js';

describe('elementwise operations broadcast like NumPy', () => {
  it('adds a row vector to every row and a column to every column', () => {
    const m = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(m.add(tensor([10, 20, 30])).toArray()).toEqual([
      [11, 22, 33],
      [14, 25, 36],
    ]);
    expect(m.mul(tensor([[2], [-1]])).toArray()).toEqual([
      [2, 4, 6],
      [-4, -5, -6],
    ]);
    expect(tensor([[1], [2]]).sub(tensor([1, 2, 3])).shape).toEqual([2, 3]);
  });
  it('accepts numbers on either side', () => {
    expect(tensor([1, 2]).mul(3).toArray()).toEqual([3, 6]);
    expect(sub(1, tensor([1, 2])).toArray()).toEqual([0, -1]);
    expect(div(1, tensor([2, 4])).toArray()).toEqual([0.5, 0.25]);
  });
  it('names the op and both shapes when shapes do not broadcast', () => {
    expect(() => tensor([[1, 2, 3]]).add(tensor([1, 2]))).toThrow(
      'add: cannot broadcast [1,3] with [2] (axis -1: 3 ≠ 2)',
    );
  });
  it('computes unary functions', () => {
    expectClose(tensor([0, 1]).exp(), [1, Math.E]);
    expectClose(tensor([-2, 0, 3]).relu(), [0, 0, 3]);
    expectClose(tensor([-2, 3]).leakyRelu(0.1), [-0.2, 3]);
    expectClose(tensor([0, 1, -1]).erf(), [0, 0.8427007929497149, -0.8427007929497149], 1e-6);
    expectClose(tensor([3]).erf(), [0.9999779095030014], 1e-7);
    expectClose(tensor([1]).gelu(), [0.8413447460685429], 1e-6);
    expectClose(tensor([-1000, 0, 1000]).sigmoid(), [0, 0.5, 1]);
    expectClose(tensor([-1000, 0, 1000]).softplus(), [0, Math.LN2, 1000]);
    expectClose(tensor([-3, 0.5, 3]).clamp(-1, 1), [-1, 0.5, 1]);
    expectClose(tensor([-3, 0.5]).clamp(0), [0, 0.5]);
    expect(() => tensor([1]).clamp(2, 1)).toThrow('clamp: min (2) must not exceed max (1)');
  });
  it('compares into 0/1 tensors that do not require grad', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const mask = x.gt(2);
    expect(mask.toArray()).toEqual([0, 0, 1]);
    expect(mask.requiresGrad).toBe(false);
    expect(x.eq(2).toArray()).toEqual([0, 1, 0]);
    expect(x.ne(2).toArray()).toEqual([1, 0, 1]);
    expect(x.ge(2).toArray()).toEqual([0, 1, 1]);
    expect(x.lt(2).toArray()).toEqual([1, 0, 0]);
    expect(x.le(2).toArray()).toEqual([1, 1, 0]);
  });
  it('keeps NaN through relu, leakyRelu, clamp and max (a diverging run must show it)', () => {
    expect(tensor([NaN, -1, 2]).relu().data[0]).toBeNaN();
    expect(tensor([NaN]).leakyRelu().item()).toBeNaN();
    expect(tensor([NaN]).clamp(0, 1).item()).toBeNaN();
    expect(tensor([1, NaN]).max().item()).toBeNaN();
  });
  it('selects with where, and NaN/Infinity are ordinary values', () => {
    expect(where(tensor([1, 0, 1]), tensor([1, 2, 3]), -1).toArray()).toEqual([1, -1, 3]);
    expect(tensor([0]).log().item()).toBe(-Infinity);
    expect(tensor([-1]).sqrt().item()).toBeNaN();
  });
});

describe('reductions', () => {
  const x = arange(24).reshape([2, 3, 4]);
  it('sum over all, one, several and negative axes, with keepdims', () => {
    expect(x.sum().item()).toBe(276);
    expect(x.sum(0).shape).toEqual([3, 4]);
    expect(x.sum([0, -1]).toArray()).toEqual([60, 92, 124]);
    expect(x.sum(1, true).shape).toEqual([2, 1, 4]);
    expect(() => x.sum(3)).toThrow('sum: axis 3 is out of range for a 3-D tensor (expected an integer in [-3, 2])');
    expect(() => x.sum([1, -2])).toThrow('sum: axis list [1,-2] repeats an axis');
    expect(() => tensor([]).reshape([3, 0]).max(1)).toThrow(
      'max: cannot reduce axis 1 of length 0 in [3,0]: an empty axis has no max',
    );
    expect(tensor([]).reshape([3, 0]).sum(1).toArray()).toEqual([0, 0, 0]);
  });
  it('max, min, mean, var, std, logsumexp', () => {
    expect(x.max(-1).toArray()).toEqual([
      [3, 7, 11],
      [15, 19, 23],
    ]);
    expect(x.min([0, 1]).toArray()).toEqual([0, 1, 2, 3]);
    expect(x.mean().item()).toBe(11.5);
    const v = tensor([1, 2, 3, 4]);
    expectClose(v.var(), 5 / 3);
    expectClose(v.var(undefined, { correction: 0 }), 1.25);
    expectClose(v.std(), Math.sqrt(5 / 3));
    expectClose(v.logsumexp(), Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(4)));
  });
  it('logsumexp and softmax stay finite for logits of ±1000', () => {
    const logits = tensor([
      [1000, 1000],
      [-1000, -1000],
      [1000, -1000],
    ]);
    expectClose(logits.logsumexp(1), [1000 + Math.LN2, -1000 + Math.LN2, 1000]);
    expectClose(logits.softmax(1), [
      [0.5, 0.5],
      [0.5, 0.5],
      [1, 0],
    ]);
    expectClose(logits.logSoftmax(1), [
      [-Math.LN2, -Math.LN2],
      [-Math.LN2, -Math.LN2],
      [0, -2000],
    ]);
    expect(tensor([-Infinity, -Infinity]).logsumexp().item()).toBe(-Infinity);
    expectClose(tensor([-Infinity, 0]).logsumexp(), 0);
  });
  it('argmax and argmin take the first of ties', () => {
    const t = tensor([
      [1, 5, 5],
      [7, 0, 0],
    ]);
    expect(t.argmax(1).toArray()).toEqual([1, 0]);
    expect(t.argmin(1, true).toArray()).toEqual([[0], [1]]);
    expect(t.argmax().item()).toBe(3);
    expect(t.argmin(0).toArray()).toEqual([0, 1, 1]);
  });
});

describe('shape operations', () => {
  const x = arange(6).reshape([2, 3]);
  it('reshape infers -1 and rejects sizes that do not match', () => {
    expect(x.reshape([3, -1]).shape).toEqual([3, 2]);
    expect(() => x.reshape([4, -1])).toThrow('reshape: cannot reshape [2,3] (6 elements) to [4,-1]');
  });
  it('flatten, squeeze, unsqueeze, transpose, permute', () => {
    expect(arange(24).reshape([2, 3, 4]).flatten(1).shape).toEqual([2, 12]);
    expect(x.unsqueeze(0).unsqueeze(-1).shape).toEqual([1, 2, 3, 1]);
    expect(x.unsqueeze(0).unsqueeze(-1).squeeze().shape).toEqual([2, 3]);
    expect(x.transpose().toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(arange(24).reshape([2, 3, 4]).permute([2, 0, 1]).shape).toEqual([4, 2, 3]);
    expect(() => x.permute([0, 0])).toThrow(/permute: order \[0,0\] must name each/);
  });
  it('expand broadcasts and refuses incompatible shapes', () => {
    expect(
      tensor([[1], [2]])
        .expand([2, 3])
        .toArray(),
    ).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(tensor([1, 2]).expand([2, -1]).toArray()).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(() => tensor([1, 2]).expand([3])).toThrow('expand: cannot expand [2] to [3]');
  });
  it('slice like Python, split, pad', () => {
    const r = arange(10);
    expect(r.slice(0, 2, 5).toArray()).toEqual([2, 3, 4]);
    expect(r.slice(0, -3).toArray()).toEqual([7, 8, 9]);
    expect(r.slice(0, 1, undefined, 3).toArray()).toEqual([1, 4, 7]);
    expect(r.slice(0, 8, 100).toArray()).toEqual([8, 9]);
    expect(r.slice(0, 5, 2).shape).toEqual([0]);
    expect(x.slice(1, 1).toArray()).toEqual([
      [1, 2],
      [4, 5],
    ]);
    expect(r.split(4).map((t) => t.toArray())).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(() => r.split([3, 3])).toThrow(
      'split: sizes [3,3] must be non-negative integers summing to 10, the length of axis 0',
    );
    expect(
      tensor([[1, 2]])
        .pad([1, 0, 0, 1], 9)
        .toArray(),
    ).toEqual([
      [9, 1, 2],
      [9, 9, 9],
    ]);
    expect(() => x.pad([1])).toThrow(/pad: padding \[1\] must be non-negative integer pairs/);
  });
  it('concat, stack, indexSelect, gather', () => {
    expect(concat([x, tensor([[6, 7, 8]])]).toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
    ]);
    expect(concat([x, x], 1).shape).toEqual([2, 6]);
    expect(() => concat([x, tensor([1, 2])])).toThrow('concat: shapes [2,3] and [2] differ outside axis 0');
    expect(stack([tensor([1, 2]), tensor([3, 4])], 1).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(x.indexSelect(1, [2, 0]).toArray()).toEqual([
      [2, 0],
      [5, 3],
    ]);
    expect(x.indexSelect(0, Int32Array.of(1)).toArray()).toEqual([[3, 4, 5]]);
    expect(() => x.indexSelect(0, [2])).toThrow(
      'indexSelect: index 2 (at position 0) is out of range for axis 0 of length 2',
    );
    expect(x.gather(1, tensor([[2], [0]])).toArray()).toEqual([[2], [3]]);
    expect(() => x.gather(1, tensor([[1.5], [0]]))).toThrow(/gather: index 1.5/);
  });
});

describe('matmul follows torch.matmul', () => {
  const a = tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const b = tensor([
    [1, 0],
    [0, 1],
    [1, 1],
  ]);
  it('2-D, 1-D and dot', () => {
    expect(a.matmul(b).toArray()).toEqual([
      [4, 5],
      [10, 11],
    ]);
    expect(tensor([1, 1]).matmul(a).toArray()).toEqual([5, 7, 9]);
    expect(a.matmul(tensor([1, 0, 1])).toArray()).toEqual([4, 10]);
    expect(tensor([1, 2]).matmul(tensor([3, 4])).shape).toEqual([]);
  });
  it('batched with broadcast batch axes', () => {
    const batch = stack([a, a.mul(2)]); // [2, 2, 3]
    const out = batch.matmul(b); // b broadcast over the batch
    expect(out.shape).toEqual([2, 2, 2]);
    expect(out.toArray()).toEqual([
      [
        [4, 5],
        [10, 11],
      ],
      [
        [8, 10],
        [20, 22],
      ],
    ]);
    expect(
      arange(6)
        .reshape([3, 1, 2, 1])
        .matmul(arange(4).reshape([2, 1, 2])).shape,
    ).toEqual([3, 2, 2, 2]);
  });
  it('names both shapes when the inner dimensions differ', () => {
    expect(() =>
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]).matmul(arange(20).reshape([4, 5])),
    ).toThrow('matmul: inner dimensions differ: [2,3] @ [4,5] (3 ≠ 4)');
    expect(() => tensor([1, 2]).matmul(tensor([1, 2, 3]))).toThrow(
      'matmul: inner dimensions differ: [2] @ [3] (2 ≠ 3)',
    );
  });
});

describe('inspection', () => {
  it('item, toArray, ndim, size and the constructor checks', () => {
    expect(tensor(3.5).item()).toBe(3.5);
    expect(() => tensor([1, 2]).item()).toThrow('item: tensor of shape [2] has 2 elements; item() needs exactly one');
    expect(tensor([[1, 2]]).toArray()).toEqual([[1, 2]]);
    const t = new Tensor(new Float32Array(6), [2, 3]);
    expect([t.ndim, t.size]).toEqual([2, 6]);
    expect(() => new Tensor(new Float32Array(5), [2, 3])).toThrow(
      'Tensor: 5 values do not fill shape [2,3] (6 needed)',
    );
  });
  it('prints like PyTorch', () => {
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ]).toString(),
    ).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(tensor([0.5], { requiresGrad: true }).toString()).toBe('tensor([0.5000], requiresGrad=true)');
  });
});
