// Shared by the MNIST examples: Backprop's fixed 8,000 / 2,000 split of the embedded digits as tensors.
import { accuracy, DataLoader, noGrad, Tensor, TensorDataset, type Generator, type Module } from '@backprop/core';
import { mnistSplit, type MnistData } from '@backprop/datasets';
import { loadMnistSync } from '@backprop/datasets/node';

/** Images [N, 1, 28, 28] scaled to 0..1 and labels [N] (class indices as float32). */
function toDataset(part: MnistData, limit: number): TensorDataset<[Tensor, Tensor]> {
  const count = Math.min(part.count, limit);
  const pixels = Float32Array.from(part.images.subarray(0, count * 784), (value) => value / 255);
  return new TensorDataset(new Tensor(pixels, [count, 1, 28, 28]), new Tensor(Float32Array.from(part.labels.subarray(0, count)), [count]));
}

/** The train and test sets; `limit` keeps only the first digits of each (for smoke tests). */
export function loadMnistDatasets(limit = Infinity) {
  const { train, test } = mnistSplit(loadMnistSync());
  return { train: toDataset(train, limit), test: toDataset(test, limit) };
}

/** Share of `dataset` that `model` classifies right (in eval mode, batches of 500, no graph). */
export function testAccuracy(model: Module, dataset: TensorDataset<[Tensor, Tensor]>): number {
  model.eval();
  let correct = 0;
  noGrad(() => {
    for (const [images, labels] of new DataLoader(dataset, { batchSize: 500 })) {
      correct += accuracy(model.forward(images), labels) * labels.size;
    }
  });
  model.train();
  return correct / dataset.length;
}

/**
 * Data augmentation: each 28×28 image moved by a random whole-pixel offset in [−max, max] on
 * both axes (zeros shifted in), seeded. More digits seen in more places: better generalisation.
 */
export function randomShift(images: Tensor, generator: Generator, max = 2): Tensor {
  const out = new Float32Array(images.size);
  for (let n = 0; n < images.size / 784; n++) {
    const dx = generator.int(-max, max + 1);
    const dy = generator.int(-max, max + 1);
    for (let y = Math.max(0, dy); y < Math.min(28, 28 + dy); y++) {
      const from = n * 784 + (y - dy) * 28 - dx;
      for (let x = Math.max(0, dx); x < Math.min(28, 28 + dx); x++) out[n * 784 + y * 28 + x] = images.data[from + x]!;
    }
  }
  return new Tensor(out, images.shape);
}
