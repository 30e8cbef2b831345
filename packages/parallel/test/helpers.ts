// Shared fixtures of the parallel test suites: model specs, seeded batches, and the plain
// single-process @backprop/core step the parallel step must match.
import {
  Adam,
  buildModel,
  crossEntropy,
  Generator,
  mseLoss,
  randint,
  randn,
  SGD,
  type ModelSpec,
  type Module,
  type Tensor,
} from '@backprop/core';
import type { OptimizerSpec } from '@backprop/core';

export const mlp = (inputs = 12, classes = 5): ModelSpec => ({
  type: 'sequential',
  layers: [{ type: 'linear', in: inputs, out: 16 }, { type: 'relu' }, { type: 'linear', in: 16, out: classes }],
});

export const cnn: ModelSpec = {
  type: 'sequential',
  layers: [
    { type: 'conv2d', in: 1, out: 4, kernel: 3 },
    { type: 'relu' },
    { type: 'maxPool2d', kernel: 2 },
    { type: 'flatten' },
    { type: 'linear', in: 36, out: 3 },
  ],
};

/** Seeded random inputs [B, ...sampleShape] and class labels [B] in 0..classes-1. */
export function batch(
  seed: number,
  batchSize: number,
  sampleShape: number[],
  classes: number,
): { inputs: Tensor; targets: Tensor } {
  const generator = new Generator(seed);
  return {
    inputs: randn([batchSize, ...sampleShape], { generator }),
    targets: randint(0, classes, [batchSize], { generator }),
  };
}

/** The reference: the same model and optimizer, trained the plain way on the whole minibatch. */
export class PlainTrainer {
  readonly model: Module;
  readonly optimizer: SGD | Adam;

  constructor(
    spec: ModelSpec,
    seed: number,
    optimizer: OptimizerSpec,
    readonly loss: 'crossEntropy' | 'mseLoss' = 'crossEntropy',
  ) {
    this.model = buildModel(spec, { generator: new Generator(seed) });
    const { type, ...options } = optimizer;
    this.optimizer =
      type === 'sgd' ? new SGD(this.model.parameters(), options) : new Adam(this.model.parameters(), options);
  }

  /** One step; returns the mean loss and copies of the gradients. */
  step(inputs: Tensor, targets: Tensor): { loss: number; gradients: Float32Array[] } {
    this.optimizer.zeroGrad();
    const output = this.model.forward(inputs);
    const loss = this.loss === 'crossEntropy' ? crossEntropy(output, targets) : mseLoss(output, targets);
    loss.backward();
    const gradients = this.model.parameters().map((p) => p.grad!.data.slice());
    this.optimizer.step();
    return { loss: loss.item(), gradients };
  }
}

/** max |actual − expected| / max |expected|: the relative error of a whole tensor, in the max norm. */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length)
    throw new Error(`relativeError: lengths differ (${actual.length} ≠ ${expected.length})`);
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    difference = Math.max(difference, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return scale === 0 ? difference : difference / scale;
}
