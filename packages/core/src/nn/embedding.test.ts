// The Embedding module: PyTorch's parameter name and shape, forward over index tensors of any
// shape, and its spec. (Values and gradients against PyTorch: tensor/indexing-parity.test.ts.)
import { describe, expect, it } from 'vitest';
import { buildModel, Generator, tensor } from '../index.js';
import { Embedding } from './embedding.js';

describe('Embedding', () => {
  it("is a [numEmbeddings, dim] weight named like PyTorch's, mapping indices of any shape to rows", () => {
    const layer = new Embedding(5, 3, { generator: new Generator(1) });
    expect(layer.namedParameters().map(([name, p]) => [name, p.shape])).toEqual([['weight', [5, 3]]]);
    const out = layer.forward(
      tensor([
        [4, 0],
        [0, 1],
      ]),
    );
    expect(out.shape).toEqual([2, 2, 3]);
    expect(Array.from(out.data.subarray(0, 3))).toEqual(Array.from(layer.weight.data.subarray(12, 15)));
  });

  it('round-trips its spec and names bad fields', () => {
    const spec = { type: 'embedding', embeddings: 7, dim: 2, paddingIdx: 6 };
    expect(buildModel(spec).toSpec()).toEqual(spec);
    expect(new Embedding(4, 2, { paddingIdx: -1 }).toSpec()).toEqual({
      type: 'embedding',
      embeddings: 4,
      dim: 2,
      paddingIdx: 3,
    });
    expect(() => buildModel({ type: 'embedding', embeddings: 7, dim: 0 })).toThrow(
      'dim: expected a positive integer, got 0',
    );
    expect(() => buildModel({ type: 'embedding', embeddings: 7, dim: 2, paddingIdx: 7 })).toThrow(
      'paddingIdx: expected an integer in [0, 6], got 7',
    );
  });
});
