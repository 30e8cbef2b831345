// cumsum, sort, topk and embedding against PyTorch 1.13.1 (values, indices, gradients); gradchecks
// with broadcasting; ties, NaN and errors.
import { describe, expect, it } from 'vitest';
import { distinctInput, expectClose, input } from '../../test/helpers.js';
import { distinctSequence, outputWeights, sequence } from '../../test/torch-inputs.js';
import { gradcheck } from '../autograd/gradcheck.js';
import { embedding, Embedding, Generator, Tensor, tensor, type SortResult } from '../index.js';
import { torchReference } from '../../test/torch-reference-values.js';

const xOf = distinctSequence;

// Reference: PyTorch 1.13.1, test/torch-reference/indexing.py — on x = xOf([2, 3, 4]): torch.cumsum,
// torch.sort, torch.topk as named, then values.backward(outputWeights(values.shape)); and
// F.embedding([[0, 2, 2], [4, 1, 0]], w, padding_idx=2) with w[i] = ((i·29) mod 23)/10 − 1.1 of shape [5, 3].
const REFERENCE =
  torchReference<Record<string, { shape: number[]; value: number[]; indices?: number[]; gradient: number[] }>>(
    'indexing',
  );

const CASES: Array<[string, (x: Tensor) => SortResult | Tensor]> = [
  ['cumsum axis 1', (x) => x.cumsum(1)],
  ['cumsum axis -1', (x) => x.cumsum(-1)],
  ['sort axis 1 descending', (x) => x.sort(1, true)],
  ['sort axis -1', (x) => x.sort()],
  ['topk 2 axis -1', (x) => x.topk(2)],
  ['topk 2 axis 1 smallest', (x) => x.topk(2, { axis: 1, largest: false })],
];

describe('cumsum, sort, topk and embedding match PyTorch 1.13.1', () => {
  for (const [name, fn] of CASES) {
    it(name, () => {
      const reference = REFERENCE[name]!;
      const x = xOf([2, 3, 4]);
      const result = fn(x);
      const values = result instanceof Tensor ? result : result.values;
      expect(values.shape).toEqual(reference.shape);
      expectClose(Array.from(values.data), reference.value, 1e-6);
      if (!(result instanceof Tensor)) expect(Array.from(result.indices.data)).toEqual(reference.indices);
      values.backward(outputWeights(values.shape));
      expectClose(Array.from(x.grad!.data), reference.gradient, 1e-6);
    });
  }

  it('embedding with paddingIdx: rows by index, no gradient into the padding row', () => {
    const reference = REFERENCE['embedding padding_idx 2']!;
    const w = sequence([5, 3], (i) => ((i * 29) % 23) / 10 - 1.1, true);
    const e = embedding(
      tensor([
        [0, 2, 2],
        [4, 1, 0],
      ]),
      w,
      { paddingIdx: 2 },
    );
    expect(e.shape).toEqual(reference.shape);
    expectClose(Array.from(e.data), reference.value, 1e-6);
    e.backward(outputWeights(e.shape));
    expectClose(Array.from(w.grad!.data), reference.gradient, 1e-6);
  });
});

describe('sort, topk and cumsum: ties, NaN, scalars and errors', () => {
  it("sort is stable and puts NaN last ascending, first descending (PyTorch's NaN order)", () => {
    const x = tensor([2, NaN, 1, 2, -Infinity]);
    expect(Array.from(x.sort().indices.data)).toEqual([4, 2, 0, 3, 1]);
    expect(Array.from(x.sort(0, true).indices.data)).toEqual([1, 0, 3, 2, 4]);
    expect(
      Array.from(
        tensor([
          [1, 1],
          [0, 1],
        ]).topk(1, { axis: 0 }).indices.data,
      ),
    ).toEqual([0, 0]);
  });
  it('a tied maximum sends the gradient to the index reported, once', () => {
    const x = new Tensor(Float32Array.of(3, 5, 5, 1), [4], true);
    x.topk(1).values.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 1, 0, 0]);
  });
  it('scalars and k = 0', () => {
    expect(tensor(3).cumsum(0).item()).toBe(3);
    expect(tensor(3).sort().values.item()).toBe(3);
    expect(tensor([[1, 2]]).topk(0).values.shape).toEqual([1, 0]);
  });
  it('errors name the op, the shape and the fix', () => {
    expect(() => tensor([1, 2, 3]).topk(4)).toThrow(
      'topk: k must be an integer in [0, 3] (the length of axis 0 of [3]), got 4',
    );
    expect(() => tensor([1, 2, 3]).cumsum(1)).toThrow(/^cumsum: axis 1/);
    const w = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(() => embedding([0, 2], w)).toThrow(
      'embedding: index 2 at position 1 of indices [2] is not a row of weight [2,2] (expected an integer in [0, 1])',
    );
    expect(() => embedding([0.5], w)).toThrow('embedding: index 0.5 at position 0');
    expect(() => new Embedding(3, 2, { paddingIdx: 3 })).toThrow(
      'Embedding: paddingIdx must be an integer in [-3, 2] for 3 embeddings, got 3',
    );
  });
});

describe('gradcheck of cumsum, sort, topk and embedding, with a broadcast partner', () => {
  it('cumsum on every axis', () => {
    for (const axis of [0, 1, -1])
      gradcheck((a, b) => a.cumsum(axis).mul(b), [input([2, 3, 4], { seed: 81 }), input([4], { seed: 82 })]);
  });
  it('sort and topk (distinct values: no tie to cross)', () => {
    gradcheck((a, b) => a.sort(1, true).values.mul(b), [distinctInput([2, 3, 4], 83), input([3, 1], { seed: 84 })]);
    gradcheck(
      (a, b) => a.topk(2, { largest: false }).values.mul(b),
      [distinctInput([2, 3, 4], 85), input([2], { seed: 86 })],
    );
  });
  it('embedding, a row used twice (the padding row is deliberately not the derivative: the PyTorch case above checks it)', () => {
    const layer = new Embedding(4, 3, { paddingIdx: 1, generator: new Generator(7) });
    expect(Array.from(layer.weight.data.subarray(3, 6))).toEqual([0, 0, 0]); // the padding row starts at zeros
    gradcheck((w, b) => embedding([2, 3, 2, 0], w, { paddingIdx: 1 }).mul(b), [layer.weight, input([3], { seed: 87 })]);
  });
});
