// TensorDataset, Subset and defaultCollate: rows, batches, and the errors that name shapes and indices.
import { describe, expect, it } from 'vitest';
import { arange, tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { defaultCollate, Subset, TensorDataset, type Dataset } from './dataset.js';

const inputs = arange(12).reshape([6, 2]); // row i: [2i, 2i + 1]
const labels = arange(6).mul(10); // 0, 10, …, 50

describe('TensorDataset', () => {
  it('returns the rows of every tensor as a tuple', () => {
    const data = new TensorDataset(inputs, labels);
    expect(data.length).toBe(6);
    const [x, y] = data.get(2);
    expect(x.shape).toEqual([2]);
    expect(x.toArray()).toEqual([4, 5]);
    expect(y.shape).toEqual([]);
    expect(y.item()).toBe(20);
  });

  it('copies rows, so changing a sample leaves the dataset intact', () => {
    const data = new TensorDataset(inputs);
    data.get(0)[0].data[0] = 99;
    expect(inputs.data[0]).toBe(0);
  });

  it('batches rows straight from the buffers, contiguous or not', () => {
    const data = new TensorDataset(inputs, labels);
    const [x, y] = data.getBatch([1, 2, 3]);
    expect(x.toArray()).toEqual([
      [2, 3],
      [4, 5],
      [6, 7],
    ]);
    expect(y.toArray()).toEqual([10, 20, 30]);
    const [xs, ys] = data.getBatch(Int32Array.of(5, 0, 3));
    expect(xs.toArray()).toEqual([
      [10, 11],
      [0, 1],
      [6, 7],
    ]);
    expect(ys.toArray()).toEqual([50, 0, 30]);
  });

  it('keeps trailing axes of image-like tensors', () => {
    const images = arange(2 * 1 * 2 * 2).reshape([2, 1, 2, 2]);
    const [batch] = new TensorDataset(images).getBatch([1, 0]);
    expect(batch.shape).toEqual([2, 1, 2, 2]);
    expect(Array.from(batch.data)).toEqual([4, 5, 6, 7, 0, 1, 2, 3]);
  });

  it('names the shapes when first-axis lengths differ', () => {
    expect(() => new TensorDataset(inputs, arange(5))).toThrow(
      'TensorDataset: tensors must share their first-axis length (the sample count), got shapes [6,2], [5]',
    );
    expect(() => new TensorDataset(tensor(3))).toThrow('scalar tensor');
    expect(() => new TensorDataset()).toThrow('needs at least one tensor');
  });

  it('rejects indices out of range', () => {
    const data = new TensorDataset(labels);
    expect(() => data.get(6)).toThrow(
      'TensorDataset.get: index 6 is out of range for a dataset of length 6 (valid: 0…5)',
    );
    expect(() => data.get(1.5)).toThrow('index 1.5');
    expect(() => data.getBatch([0, -1])).toThrow('index -1');
  });
});

describe('Subset', () => {
  const data = new TensorDataset(inputs, labels);

  it('views the chosen samples in order', () => {
    const subset = new Subset(data, [4, 1]);
    expect(subset.length).toBe(2);
    expect(subset.get(0)[1].item()).toBe(40);
    expect(subset.get(1)[1].item()).toBe(10);
    expect(() => subset.get(2)).toThrow('Subset.get: index 2 is out of range');
  });

  it("batches through the parent's fast path", () => {
    const [x, y] = new Subset(data, [4, 1, 0]).getBatch([2, 0]);
    expect(x.toArray()).toEqual([
      [0, 1],
      [8, 9],
    ]);
    expect(y.toArray()).toEqual([0, 40]);
  });

  it('collates samples of a dataset without getBatch', () => {
    const squares: Dataset<{ x: number; y: number }> = { length: 5, get: (i) => ({ x: i, y: i * i }) };
    const batch = new Subset(squares, [3, 4]).getBatch([0, 1]);
    expect(batch.x.toArray()).toEqual([3, 4]);
    expect(batch.y.toArray()).toEqual([9, 16]);
  });

  it('rejects indices outside the parent', () => {
    expect(() => new Subset(data, [0, 6])).toThrow(
      'Subset: indices[1]: index 6 is out of range for a dataset of length 6',
    );
  });
});

describe('defaultCollate', () => {
  it('stacks tensors, turns numbers into a vector and recurses into tuples and objects', () => {
    const [x, y] = defaultCollate([
      [tensor([1, 2]), 0],
      [tensor([3, 4]), 1],
    ] as [Tensor, number][]);
    expect(x.shape).toEqual([2, 2]);
    expect(x.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(y.toArray()).toEqual([0, 1]);
    const batch = defaultCollate([{ image: tensor([[1]]), label: 7 }]);
    expect(batch.image.shape).toEqual([1, 1, 1]);
    expect(batch.label.toArray()).toEqual([7]);
  });

  it('names the sample whose shape differs', () => {
    expect(() => defaultCollate([tensor([1, 2]), tensor([1, 2]), tensor([1, 2, 3])])).toThrow(
      'defaultCollate: sample 2 has shape [3], but sample 0 has shape [2]; samples in a batch must share their shape',
    );
    expect(() =>
      defaultCollate([
        [tensor([1]), tensor([1])],
        [tensor([1]), tensor([1, 2])],
      ]),
    ).toThrow('defaultCollate: sample[1] of sample 1 has shape [2]');
  });

  it('asks for a collate function for samples it cannot batch', () => {
    expect(() => defaultCollate(['a', 'b'])).toThrow('pass { collate } to the DataLoader');
    expect(() => defaultCollate([])).toThrow('needs at least one sample');
  });
});
