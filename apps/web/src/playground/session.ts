// One Playground run: the 2-D points, the MLP, SGD with L2, minibatches trained by parallel's `fit`
// on one thread, and what the page draws (losses, accuracies, the decision boundary on a grid).
// Runs in the playground worker; no DOM.
import {
  crossEntropy,
  DataLoader,
  noGrad,
  synthetic,
  Tensor,
  TensorDataset,
  type LayerSpec,
  type Module,
} from '@backprop/core';
import { fit, SingleThreadTrainer } from '@backprop/parallel';
import {
  layerWeights,
  neuronMaps,
  sumOverBatch,
  traceBatch,
  type BatchTrace,
  type LayerWeights,
} from './network-probe';
import type { PlaygroundSettings } from './settings';

/** The points live in [−EXTENT, EXTENT]² (Playground's ±6 view). */
export const EXTENT = 6;
const SAMPLES = 500;

/** A set of points: xy pairs [x0, y0, x1, y1, …] and class labels 0/1. */
export interface PointSet {
  inputs: Float32Array;
  labels: Float32Array;
}

/** What the page draws after each epoch. */
export interface PlaygroundReport {
  epoch: number;
  trainLoss: number;
  testLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** P(class 1) on a `resolution × resolution` grid over the view, row 0 at the top (y = +EXTENT). */
  boundary: Float32Array;
  resolution: number;
}

/** The network drawn beside the boundary: weights, and each neuron's value over a coarse grid. */
export interface NetworkReport {
  weights: LayerWeights[];
  /** Per layer (0 = inputs), neuron-major: neuron j's map is `maps[layer].subarray(j * r², (j + 1) * r²)`, row 0 at the top. */
  maps: Float32Array[];
  resolution: number;
}

/** The gradients view: ∂loss/∂(each neuron) and ∂loss/∂w on the last minibatch trained, at the current weights. */
export interface GradientReport {
  loss: number;
  batchSize: number;
  /** Per layer, Σ over the minibatch of ∂loss/∂z per neuron (= ∂loss/∂bias); empty for the inputs. */
  neurons: Float32Array[];
  /** Per layer, Σ over the minibatch of ∂loss/∂a per neuron (after the activation); empty for the inputs. */
  activations: Float32Array[];
  weights: LayerWeights[];
}

/** One training step on one point, as the engine computed it: the trace, and the weights before. */
export interface PointStep {
  index: number;
  label: number;
  trace: BatchTrace;
  before: LayerWeights[];
  learningRate: number;
  l2: number;
}

/**
 * The JSON spec of the Playground's MLP: 2 inputs → `layers` × (`neurons`, activation) → 2 class scores.
 *
 * @example
 * ```ts
 * buildModel(playgroundSpec({ layers: 2, neurons: 6, activation: 'tanh' })); // 2 → 6 → 6 → 2
 * ```
 */
export function playgroundSpec(settings: Pick<PlaygroundSettings, 'layers' | 'neurons' | 'activation'>): LayerSpec {
  const layers: LayerSpec[] = [];
  let width = 2;
  for (let i = 0; i < settings.layers; i++) {
    layers.push({ type: 'linear', in: width, out: settings.neurons }, { type: settings.activation });
    width = settings.neurons;
  }
  layers.push({ type: 'linear', in: width, out: 2 });
  return { type: 'sequential', layers };
}

/**
 * A seeded run: the same settings give the same points, weights and batches, so a shared URL
 * replays the same run. An epoch is one pass over the training points in minibatches.
 *
 * @example
 * ```ts
 * const session = new PlaygroundSession({ ...DEFAULT_SETTINGS, dataset: 'xor' });
 * await session.train(10);
 * session.report().testAccuracy; // → close to 1 on xor
 * ```
 */
export class PlaygroundSession {
  readonly trainPoints: PointSet;
  readonly testPoints: PointSet;
  readonly model: Module;
  /** Plain core on this thread: the network is small and each step a few microseconds, so threads would not pay. */
  readonly #trainer: SingleThreadTrainer;
  readonly #loader: DataLoader<unknown, [Tensor, Tensor]>;
  readonly #resolution: number;
  readonly #grid: Tensor;
  readonly #settings: PlaygroundSettings;
  #lastBatch: [Tensor, Tensor];
  /** Counts weight changes, so a traced step is applied only to the weights it was traced on. */
  #version = 0;
  #traced: { index: number; version: number } | null = null;
  #epoch = 0;

  constructor(settings: PlaygroundSettings, options: { resolution?: number } = {}) {
    this.#resolution = options.resolution ?? 50;
    const { inputs, labels } = synthetic[settings.dataset]({
      samples: SAMPLES,
      noise: settings.noise / 100,
      seed: settings.seed,
    });
    // The points are drawn independently and their labels alternate, so a prefix is a fair, balanced split.
    const trainCount = Math.round((SAMPLES * settings.trainRatio) / 100);
    this.trainPoints = { inputs: inputs.data.slice(0, 2 * trainCount), labels: labels.data.slice(0, trainCount) };
    this.testPoints = { inputs: inputs.data.slice(2 * trainCount), labels: labels.data.slice(trainCount) };
    this.#trainer = new SingleThreadTrainer({
      model: playgroundSpec(settings),
      loss: 'crossEntropy',
      optimizer: { type: 'sgd', lr: settings.learningRate, weightDecay: settings.l2 },
      seed: settings.seed,
    });
    this.model = this.#trainer.model;
    const dataset = new TensorDataset(
      new Tensor(this.trainPoints.inputs, [trainCount, 2]),
      new Tensor(this.trainPoints.labels, [trainCount]),
    );
    this.#loader = new DataLoader(dataset, {
      batchSize: settings.batchSize,
      shuffle: true,
      seed: settings.seed,
    }) as unknown as DataLoader<unknown, [Tensor, Tensor]>;
    this.#grid = gridPoints(this.#resolution);
    this.#settings = { ...settings };
    const first = Math.min(settings.batchSize, trainCount);
    this.#lastBatch = [
      new Tensor(this.trainPoints.inputs.slice(0, 2 * first), [first, 2]),
      new Tensor(this.trainPoints.labels.slice(0, first), [first]),
    ];
  }

  get epoch(): number {
    return this.#epoch;
  }

  /**
   * Trains `epochs` more passes over the training points (forward, loss, backward, SGD step per
   * minibatch). Its steps resolve at once, so no message to the worker runs in the middle of it.
   */
  async train(epochs = 1): Promise<void> {
    await fit(this.#trainer, this.#loader, {
      epochs: this.#epoch + epochs,
      start: { epoch: this.#epoch },
      onBatchEnd: ({ inputs, targets }) => {
        this.#lastBatch = [inputs, targets];
      },
      onEpochEnd: () => {
        this.#epoch++;
        this.#version++;
      },
    });
  }

  /** The weights and every neuron's value over a `resolution²` grid of the plane. */
  network(resolution = 20): NetworkReport {
    this.model.eval();
    return { weights: layerWeights(this.model), maps: neuronMaps(this.model, gridPoints(resolution)), resolution };
  }

  /** ∂loss/∂(neuron) and ∂loss/∂w on the last minibatch trained (the first one before training), at the current weights. */
  gradients(): GradientReport {
    this.model.train();
    const trace = traceBatch(this.model, ...this.#lastBatch);
    return {
      loss: trace.loss,
      batchSize: trace.batch,
      neurons: sumOverBatch(trace.preActivationGradients, trace.widths),
      activations: sumOverBatch(trace.activationGradients, trace.widths),
      weights: trace.weightGradients,
    };
  }

  /** Forward, loss and backward on training point `index` alone; {@link stepTraced} then takes the SGD step. */
  tracePoint(index: number): PointStep {
    const count = this.trainPoints.labels.length;
    if (!Number.isInteger(index) || index < 0 || index >= count)
      throw new Error(`tracePoint: point ${index} is not one of the ${count} training points`);
    this.model.train();
    const label = this.trainPoints.labels[index]!;
    const inputs = new Tensor(this.trainPoints.inputs.slice(2 * index, 2 * index + 2), [1, 2]);
    const trace = traceBatch(this.model, inputs, new Tensor(Float32Array.of(label), [1]));
    this.#traced = { index, version: this.#version };
    return {
      index,
      label,
      trace,
      before: layerWeights(this.model),
      learningRate: this.#settings.learningRate,
      l2: this.#settings.l2,
    };
  }

  /** The SGD step (with L2) on the gradients of the last {@link tracePoint}; returns the weights after. */
  stepTraced(): LayerWeights[] {
    if (this.#traced === null || this.#traced.version !== this.#version) {
      throw new Error('stepTraced: the weights changed since the point was traced (or none was): pick the point again');
    }
    this.#trainer.optimizer.step();
    this.#version++;
    this.#traced = null;
    return layerWeights(this.model);
  }

  /** Losses and accuracies on both sets and the decision boundary, without gradients. */
  report(): PlaygroundReport {
    this.model.eval();
    return noGrad(() => {
      const train = this.#measure(this.trainPoints);
      const test = this.#measure(this.testPoints);
      const probabilities = this.model.forward(this.#grid).softmax(1).data;
      const boundary = new Float32Array(this.#resolution ** 2);
      for (let i = 0; i < boundary.length; i++) boundary[i] = probabilities[2 * i + 1]!;
      return {
        epoch: this.#epoch,
        trainLoss: train.loss,
        testLoss: test.loss,
        trainAccuracy: train.accuracy,
        testAccuracy: test.accuracy,
        boundary,
        resolution: this.#resolution,
      };
    });
  }

  #measure(set: PointSet): { loss: number; accuracy: number } {
    const count = set.labels.length;
    if (count === 0) return { loss: Number.NaN, accuracy: Number.NaN };
    const output = this.model.forward(new Tensor(set.inputs, [count, 2]));
    const loss = crossEntropy(output, new Tensor(set.labels, [count])).item();
    let correct = 0;
    for (let i = 0; i < count; i++)
      if ((output.data[2 * i + 1]! > output.data[2 * i]! ? 1 : 0) === set.labels[i]) correct++;
    return { loss, accuracy: correct / count };
  }
}

/**
 * Cell centres of a `resolution²` grid over the view, row-major from the top-left, as a [resolution², 2] tensor.
 *
 * @example
 * ```ts
 * gridPoints(2).toArray(); // [[-3, 3], [3, 3], [-3, -3], [3, -3]]
 * ```
 */
export function gridPoints(resolution: number): Tensor {
  const points = new Float32Array(resolution * resolution * 2);
  for (let row = 0; row < resolution; row++) {
    for (let column = 0; column < resolution; column++) {
      const i = row * resolution + column;
      points[2 * i] = -EXTENT + ((column + 0.5) / resolution) * 2 * EXTENT;
      points[2 * i + 1] = EXTENT - ((row + 0.5) / resolution) * 2 * EXTENT;
    }
  }
  return new Tensor(points, [resolution * resolution, 2]);
}
