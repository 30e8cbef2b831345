// Recomputing BatchNorm running statistics with one pass over data, as PyTorch's
// torch.optim.swa_utils.update_bn. Imports tensor, autograd and nn only.
import { noGrad } from '../autograd/graph.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from './module.js';
import { BatchNorm } from './normalization.js';

/**
 * Sets the running mean and variance of every BatchNorm layer of `model` (that keeps them) to the
 * equal-weight average of the batch statistics over `batches` — each batch an input tensor, or a
 * `[inputs, ...]` tuple as a `DataLoader` yields — as `torch.optim.swa_utils.update_bn` does
 * (reset, momentum None, one forward pass per batch in training mode, no gradients):
 * `running_mean = (1/n) Σ_b mean_b`, `running_var = (1/n) Σ_b var_b · count_b/(count_b − 1)`,
 * `num_batches_tracked = n`. The model's parameters are unchanged; it is left in the mode it was
 * in. Does nothing when the model has no such layer.
 *
 * Why: running statistics are an exponential average (momentum 0.1) of batches seen while the
 * weights moved, so after few steps they still hold much of their start (mean 0, variance 1) and
 * of early weights, and evaluation disagrees with training. One pass with the final weights fixes
 * that.
 *
 * @example
 * ```ts
 * updateBatchNorm(model, new DataLoader(trainSet, { batchSize: 64 })); // then model.eval() and evaluate
 * ```
 */
export function updateBatchNorm(model: Module, batches: Iterable<Tensor | readonly [Tensor, ...unknown[]]>): void {
  const layers = modulesOf(model).filter((m): m is BatchNorm => m instanceof BatchNorm && m.runningMean !== null);
  if (layers.length === 0) return;
  const sums = layers.map((layer) => ({
    mean: new Float64Array(layer.numFeatures),
    variance: new Float64Array(layer.numFeatures),
  }));
  const wasTraining = model.training;
  let count = 0;
  model.train();
  try {
    noGrad(() => {
      for (const batch of batches) {
        for (const layer of layers) layer.lastBatchStatistics = null;
        model.forward(Array.isArray(batch) ? (batch[0] as Tensor) : (batch as Tensor));
        layers.forEach((layer, index) => {
          const statistics = layer.lastBatchStatistics;
          if (statistics === null) return; // a layer this batch does not reach keeps its sums
          const unbiased = statistics.count / (statistics.count - 1);
          for (let c = 0; c < layer.numFeatures; c++) {
            sums[index]!.mean[c]! += statistics.mean[c]!;
            sums[index]!.variance[c]! += statistics.variance[c]! * unbiased;
          }
        });
        count++;
      }
    });
  } finally {
    model.train(wasTraining);
  }
  if (count === 0)
    throw new Error('updateBatchNorm: batches yielded nothing; give the training data (e.g. a DataLoader over it)');
  layers.forEach((layer, index) => {
    for (let c = 0; c < layer.numFeatures; c++) {
      layer.runningMean!.data[c] = sums[index]!.mean[c]! / count;
      layer.runningVar!.data[c] = sums[index]!.variance[c]! / count;
    }
    layer.numBatchesTracked!.data[0] = count;
    layer.lastBatchStatistics = null;
  });
}

function modulesOf(module: Module): Module[] {
  return [module, ...module.children().flatMap(modulesOf)];
}
