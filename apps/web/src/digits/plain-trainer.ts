// The single-thread trainer of the Digits page for pages without shared memory (not cross-origin
// isolated): plain @backprop/core, Adam, cross-entropy, with the parallel trainer's step/evaluate shape.
import { accuracy, Adam, buildModel, crossEntropy, Generator, noGrad, type ModelSpec, type Module, type Tensor } from '@backprop/core';

/** What the Digits page needs of a trainer: `ParallelTrainer` has exactly this shape. */
export interface DigitsTrainer {
  readonly model: Module;
  step(inputs: Tensor, labels: Tensor): Promise<number>;
  evaluate(inputs: Tensor, labels: Tensor): Promise<{ loss: number; accuracy: number | null }>;
  close(): Promise<void>;
}

/** Options of {@link PlainTrainer}. */
export interface PlainTrainerOptions {
  spec: ModelSpec;
  learningRate: number;
  seed: number;
}

/**
 * One forward, loss, backward and Adam step per minibatch on the calling thread (a worker).
 *
 * @example
 * ```ts
 * const trainer = new PlainTrainer({ spec, learningRate: 1e-3, seed: 1 });
 * const loss = await trainer.step(images, labels); // images [B, 784], labels [B]
 * ```
 */
export class PlainTrainer implements DigitsTrainer {
  readonly model: Module;
  readonly #optimizer: Adam;

  constructor(options: PlainTrainerOptions) {
    this.model = buildModel(options.spec, { generator: new Generator(options.seed) });
    this.#optimizer = new Adam(this.model.parameters(), { lr: options.learningRate });
  }

  step(inputs: Tensor, labels: Tensor): Promise<number> {
    this.model.train();
    const loss = crossEntropy(this.model.forward(inputs), labels);
    this.#optimizer.zeroGrad();
    loss.backward();
    this.#optimizer.step();
    return Promise.resolve(loss.item());
  }

  evaluate(inputs: Tensor, labels: Tensor): Promise<{ loss: number; accuracy: number }> {
    this.model.eval();
    return Promise.resolve(noGrad(() => scoreClassifier(this.model.forward(inputs), labels)));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Mean cross-entropy and the share of rows whose largest score is the label.
 *
 * @example
 * ```ts
 * const { loss, accuracy } = noGrad(() => scoreClassifier(model.forward(images), labels));
 * ```
 */
export function scoreClassifier(scores: Tensor, labels: Tensor): { loss: number; accuracy: number } {
  return { loss: crossEntropy(scores, labels).item(), accuracy: accuracy(scores, labels) };
}
