// The checks a minibatch passes before any worker sees it: tensors, a batch axis, matching sample
// counts, then against the model — sample shape, class indices or target shape, finite values.
// Must not import node:* modules.
import { noGrad, Tensor, type Module } from '@backprop/core';
import type { LossName } from './protocol.js';

/**
 * The batch size of (inputs, targets), or an error naming the call (`op`) and what is wrong.
 *
 * @example
 * ```ts
 * checkMinibatch('step', 'crossEntropy', images, labels); // 64 for images [64, 784], labels [64]
 * ```
 */
export function checkMinibatch(op: string, loss: LossName, inputs: Tensor, targets: Tensor): number {
  if (!(inputs instanceof Tensor) || !(targets instanceof Tensor)) {
    throw new Error(`DataParallelTrainer.${op}: inputs and targets must be Tensors`);
  }
  const batchSize = inputs.shape[0];
  if (inputs.ndim < 1 || batchSize === undefined || batchSize < 1) {
    throw new Error(
      `DataParallelTrainer.${op}: inputs need a batch axis with at least one sample, got shape [${inputs.shape.join(', ')}]`,
    );
  }
  if (targets.shape[0] !== batchSize) {
    throw new Error(
      `DataParallelTrainer.${op}: inputs and targets differ in sample count: inputs [${inputs.shape.join(', ')}] has ${batchSize}, targets [${targets.shape.join(', ')}] has ${targets.shape[0] ?? 'none'}`,
    );
  }
  if (loss === 'crossEntropy' && targets.ndim !== 1) {
    throw new Error(
      `DataParallelTrainer.${op}: crossEntropy targets are class indices of shape [${batchSize}], got [${targets.shape.join(', ')}]`,
    );
  }
  return batchSize;
}

/**
 * What the model makes of one sample, learned once per input sample shape by a forward pass of the
 * batch's first sample on the main thread (evaluation mode, no gradients), so that a batch the
 * model cannot take is refused before any worker sees it (NOTE(input-check)).
 */
export class ModelInputCheck {
  /** Per input sample shape (`[784]` as '784'): the model's output shape for one sample. */
  readonly #outputs = new Map<string, readonly number[]>();

  constructor(
    readonly model: Module,
    readonly loss: LossName,
  ) {}

  /**
   * Checks (inputs, targets) against the model; returns the batch size, or throws an error that
   * names the call (`op`), the problem and the sample, and says the trainer is unchanged.
   *
   * NOTE(input-check): a batch that fails in a worker stops the trainer, since a worker that fails
   * after the barrier may have updated some shards of the weights and not others; a batch refused
   * here has changed nothing, so the trainer takes the next one. Checked: the sample shape against
   * the model (one forward pass per new sample shape), crossEntropy targets as integer class
   * indices below the model's class count, mse targets shaped like the model's output, and every
   * input and mse target finite (one pass over the values with four independent sums of v·0,
   * which is NaN exactly when some v is NaN or ±Infinity: a few times slower than the memcpy that
   * stages the batch, a small share of a step).
   *
   * @example
   * ```ts
   * new ModelInputCheck(model, 'crossEntropy').check('step', images, labels); // 64 for images [64, 784], labels [64] in 0..9
   * ```
   */
  check(op: string, inputs: Tensor, targets: Tensor): number {
    const batchSize = checkMinibatch(op, this.loss, inputs, targets);
    const refuse = (problem: string): never => {
      throw new Error(`DataParallelTrainer.${op}: ${problem}; nothing was run and the trainer is unchanged`);
    };
    const output = this.#outputShape(inputs, refuse);
    if (this.loss === 'crossEntropy') {
      if (output.length !== 1)
        refuse(
          `crossEntropy needs one row of class scores per sample, but the model gives [${output.join(', ')}] per sample`,
        );
      const classes = output[0]!;
      const data = targets.data;
      for (let i = 0; i < data.length; i++) {
        const label = data[i]!;
        if (!Number.isInteger(label) || label < 0 || label >= classes) {
          refuse(`targets[${i}] = ${label} is not a class index: the model has ${classes} classes (0–${classes - 1})`);
        }
      }
    } else {
      const target = targets.shape.slice(1);
      if (target.length !== output.length || target.some((size, axis) => size !== output[axis])) {
        refuse(
          `mse targets [${targets.shape.join(', ')}] do not match the model's output [${[batchSize, ...output].join(', ')}]`,
        );
      }
      const bad = firstNonFinite(targets.data);
      if (bad !== -1)
        refuse(
          `targets hold ${targets.data[bad]} at sample ${Math.floor(bad / (targets.size / batchSize))} (value ${bad} of ${targets.size}); every target must be finite`,
        );
    }
    const bad = firstNonFinite(inputs.data);
    if (bad !== -1)
      refuse(
        `inputs hold ${inputs.data[bad]} at sample ${Math.floor(bad / (inputs.size / batchSize))} (value ${bad} of ${inputs.size}); every input must be finite`,
      );
    return batchSize;
  }

  /** The model's output shape for one sample of `inputs` (cached per input sample shape). */
  #outputShape(inputs: Tensor, refuse: (problem: string) => never): readonly number[] {
    const sample = inputs.shape.slice(1);
    const key = sample.join(',');
    const known = this.#outputs.get(key);
    if (known !== undefined) return known;
    const perSample = inputs.size / inputs.shape[0]!;
    const first = new Tensor(inputs.data.slice(0, perSample), [1, ...sample]);
    const training = this.model.training;
    let shape: readonly number[] = [];
    try {
      this.model.eval();
      shape = noGrad(() => this.model.forward(first)).shape.slice(1);
    } catch (error) {
      refuse(
        `the model cannot take inputs of shape [${inputs.shape.join(', ')}] (the first sample, forward: ${cut((error as Error).message)})`,
      );
    } finally {
      this.model.train(training);
    }
    this.#outputs.set(key, shape);
    return shape;
  }
}

/** The index of the first value that is NaN or ±Infinity, or -1 (see NOTE(input-check)). */
export function firstNonFinite(data: Float32Array): number {
  let [a, b, c, d] = [0, 0, 0, 0];
  const whole = data.length - (data.length % 4);
  for (let i = 0; i < whole; i += 4) {
    a += data[i]! * 0;
    b += data[i + 1]! * 0;
    c += data[i + 2]! * 0;
    d += data[i + 3]! * 0;
  }
  for (let i = whole; i < data.length; i++) a += data[i]! * 0;
  if (a + b + c + d === 0) return -1;
  return data.findIndex((value) => !Number.isFinite(value));
}

/** A message cut to 300 characters (a custom model's error could be long). */
function cut(message: string): string {
  return message.length > 300 ? `${message.slice(0, 297)}...` : message;
}
