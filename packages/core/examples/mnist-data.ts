// Shared by the MNIST examples: Backprop's fixed 8,000 / 2,000 split of the embedded digits as tensors.
import {
  accuracy,
  DataLoader,
  idxImagesToTensor,
  idxLabelsToTensor,
  noGrad,
  type Tensor,
  TensorDataset,
  type Module,
} from '@backprop/core';
import { mnistAsIdx, mnistSplit, type MnistData } from '@backprop/datasets';
import { loadMnistSync } from '@backprop/datasets/node';

/** Images [N, 1, 28, 28] scaled to 0..1 and labels [N] (class indices as float32). */
function toDataset(part: MnistData, limit: number): TensorDataset<[Tensor, Tensor]> {
  const { images, labels } = mnistAsIdx(part, limit);
  return new TensorDataset(idxImagesToTensor(images), idxLabelsToTensor(labels));
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
