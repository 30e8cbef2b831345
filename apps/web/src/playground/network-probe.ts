// Looks inside the Playground's MLP with the engine's own autograd: each neuron's value over a grid
// of the plane, and — through retainGrad — ∂loss/∂(neuron) and ∂loss/∂w on a batch. No DOM.
import { crossEntropy, Linear, noGrad, Sequential, type Tensor, type Module } from '@backprop/core';

/** The weights of one linear layer, copied: `weight[o * inputs + i]` joins input i to neuron o. */
export interface LayerWeights {
  inputs: number;
  outputs: number;
  weight: Float32Array;
  bias: Float32Array;
}

/**
 * Everything a forward and backward pass on a batch of B points produced, per layer of neurons.
 * Layer 0 is the input features (x₁, x₂); layer k ≥ 1 is the k-th linear layer's neurons, the last
 * one the two class scores (logits). Arrays are point-major: `values[b * width + j]`.
 */
export interface BatchTrace {
  batch: number;
  widths: number[];
  /** Each linear layer's output z (before its activation); `[]` for layer 0. */
  preActivations: Float32Array[];
  /** Each layer's output a = activation(z) (the inputs for layer 0, z itself for the scores). */
  activations: Float32Array[];
  /** softmax of the scores: P(class c) at `probabilities[b * 2 + c]`. */
  probabilities: Float32Array;
  /** The minibatch's mean cross-entropy. */
  loss: number;
  /** ∂loss/∂z per neuron and point (`[]` for layer 0), from `z.retainGrad()`. */
  preActivationGradients: Float32Array[];
  /** ∂loss/∂a per neuron and point (`[]` for layer 0), from `a.retainGrad()`. */
  activationGradients: Float32Array[];
  /** ∂loss/∂W and ∂loss/∂b of each linear layer (`[]` at index 0), the parameters' `.grad`. */
  weightGradients: LayerWeights[];
}

/**
 * The Playground's MLP as its linear layers, each with the activation that follows it (none after the last).
 *
 * @example
 * ```ts
 * linearLayers(buildModel(playgroundSpec({ layers: 1, neurons: 3, activation: 'relu' }))).length; // 2
 * ```
 */
export function linearLayers(model: Module): { linear: Linear; activation: Module | null }[] {
  if (!(model instanceof Sequential)) throw new Error('network probe: the Playground model must be a Sequential');
  const items = model.layers.items;
  const layers: { linear: Linear; activation: Module | null }[] = [];
  for (let i = 0; i < items.length; i++) {
    const linear = items[i];
    if (!(linear instanceof Linear)) throw new Error(`network probe: layer ${i} is not linear`);
    const next = items[i + 1];
    const activation = next !== undefined && !(next instanceof Linear) ? next : null;
    layers.push({ linear, activation });
    if (activation !== null) i++;
  }
  return layers;
}

/** The current weights of every linear layer (index 0 is empty: the inputs have none), copied. */
export function layerWeights(model: Module): LayerWeights[] {
  return [empty(2), ...linearLayers(model).map(({ linear }) => copyLayer(linear, (t) => t.data))];
}

/**
 * Each neuron's value at every point of `grid` ([P, 2]), without gradients: per layer, neuron-major
 * (`values[j * P + p]`), so one neuron's heat map is a contiguous slice. Scores for the last layer.
 *
 * @example
 * ```ts
 * const maps = neuronMaps(session.model, gridPoints(24)); // maps[1].subarray(0, 576): neuron 0 of layer 1
 * ```
 */
export function neuronMaps(model: Module, grid: Tensor): Float32Array[] {
  return noGrad(() => {
    const points = grid.shape[0]!;
    const maps = [neuronMajor(grid.data, points, 2)];
    let x = grid;
    for (const { linear, activation } of linearLayers(model)) {
      x = linear.forward(x);
      if (activation !== null) x = activation.forward(x);
      maps.push(neuronMajor(x.data, points, linear.outFeatures));
    }
    return maps;
  });
}

/**
 * One forward pass layer by layer with every intermediate tensor kept (`retainGrad`), the
 * cross-entropy, and one backward pass — the engine's numbers for each neuron and weight. Clears
 * and then fills the parameters' `.grad` (an optimizer step may follow); changes no weight.
 *
 * @example
 * ```ts
 * const trace = traceBatch(model, new Tensor(Float32Array.of(1, -2), [1, 2]), new Tensor(Float32Array.of(1), [1]));
 * trace.preActivationGradients[1]; // ∂loss/∂z of the first hidden layer's neurons
 * ```
 */
export function traceBatch(model: Module, inputs: Tensor, labels: Tensor): BatchTrace {
  const layers = linearLayers(model);
  model.zeroGrad();
  const zs: Tensor[] = [];
  const as: Tensor[] = [];
  let x = inputs;
  for (const { linear, activation } of layers) {
    const z = linear.forward(x);
    z.retainGrad();
    const a = activation === null ? z : activation.forward(z);
    if (a !== z) a.retainGrad();
    zs.push(z);
    as.push(a);
    x = a;
  }
  const loss = crossEntropy(x, labels);
  loss.backward();
  return {
    batch: inputs.shape[0]!,
    widths: [2, ...layers.map(({ linear }) => linear.outFeatures)],
    preActivations: [new Float32Array(0), ...zs.map((z) => z.data.slice())],
    activations: [inputs.data.slice(), ...as.map((a) => a.data.slice())],
    probabilities: noGrad(() => x.softmax(1).data.slice()),
    loss: loss.item(),
    preActivationGradients: [new Float32Array(0), ...zs.map((z) => gradientOf(z))],
    activationGradients: [new Float32Array(0), ...as.map((a) => gradientOf(a))],
    weightGradients: [empty(2), ...layers.map(({ linear }) => copyLayer(linear, gradientOf))],
  };
}

/**
 * Per neuron, the sum over the batch of point-major `values` (one array per layer). For ∂loss/∂z
 * that is the gradient of the neuron's bias, since the bias is added to every point.
 *
 * @example
 * ```ts
 * sumOverBatch(trace.preActivationGradients, trace.widths)[1]; // equals layer 1's bias gradient
 * ```
 */
export function sumOverBatch(values: Float32Array[], widths: readonly number[]): Float32Array[] {
  return values.map((layer, index) => {
    const width = layer.length === 0 ? 0 : widths[index]!;
    const sums = new Float32Array(width);
    for (let i = 0; i < layer.length; i++) sums[i % width] += layer[i]!;
    return sums;
  });
}

function gradientOf(t: Tensor): Float32Array {
  if (t.grad === null) throw new Error('network probe: a traced tensor got no gradient');
  return t.grad.data.slice();
}

function copyLayer(linear: Linear, read: (t: Tensor) => Float32Array): LayerWeights {
  if (linear.bias === null) throw new Error('network probe: the Playground layers have biases');
  return {
    inputs: linear.inFeatures,
    outputs: linear.outFeatures,
    weight: read(linear.weight).slice(),
    bias: read(linear.bias).slice(),
  };
}

function empty(outputs: number): LayerWeights {
  return { inputs: 0, outputs, weight: new Float32Array(0), bias: new Float32Array(0) };
}

function neuronMajor(values: Float32Array, points: number, width: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let p = 0; p < points; p++) for (let j = 0; j < width; j++) out[j * points + p] = values[p * width + j]!;
  return out;
}
