// buildModel: a JSON model spec → modules, sized before anything is allocated; specParameterCount.
// Imports the layer modules and the spec reader; imported by the package index and io/model-file.
import type { Generator } from '../random/generator.js';
import { GELU, Flatten, LeakyReLU, LogSoftmax, ReLU, SiLU, Sigmoid, Softmax, Softplus, Tanh } from './activations.js';
import { Conv2d } from './conv2d.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { Linear } from './linear.js';
import type { Module } from './module.js';
import { BatchNorm1d, BatchNorm2d, LayerNorm } from './normalization.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from './pooling.js';
import { Sequential } from './sequential.js';
import { readSpec, type ReadLayer } from './spec-read.js';
import type { ModelSpec } from './spec-types.js';

// NOTE(max-parameters): a spec is data (a file, a flag) and one number in it (`"out": 30000000`)
// can ask for gigabytes. buildModel counts the parameters from the validated spec before it
// allocates a single weight. 100 M parameters is 400 MB of float32 weights — ~1.6 GB while
// training with Adam (weights, gradients, two moments) — and ~1,000× the bundled MNIST models
// (101,770 for the 784-128-10 MLP), so no model this engine trains in reasonable time is refused.
/** Default of `BuildModelOptions.maxParameters`. */
export const DEFAULT_MAX_PARAMETERS = 100_000_000;

/** Options of `buildModel`. */
export interface BuildModelOptions {
  /** Source of initial weights and dropout masks (default: the global generator). */
  generator?: Generator;
  /** Refuse a spec with more parameters than this, before allocating (default 100,000,000). */
  maxParameters?: number;
}

function parameterCount(layer: ReadLayer): number {
  switch (layer.type) {
    case 'sequential':
      return layer.layers.reduce((total, inner) => total + parameterCount(inner), 0);
    case 'linear':
      return layer.out * layer.in + (layer.bias ? layer.out : 0);
    case 'conv2d':
      return (layer.out * layer.in * layer.kernel[0] * layer.kernel[1]) / layer.groups + (layer.bias ? layer.out : 0);
    case 'embedding':
      return layer.embeddings * layer.dim;
    case 'batchNorm1d':
    case 'batchNorm2d':
      return layer.affine ? 2 * layer.features : 0; // weight and bias (the running statistics: bufferCount)
    case 'layerNorm':
      return layer.elementwiseAffine ? 2 * layer.shape.reduce((product, length) => product * length, 1) : 0;
    default:
      return 0;
  }
}

/** Values of a spec's buffers (BatchNorm's running mean and variance), allocated like parameters. */
function bufferCount(layer: ReadLayer): number {
  if (layer.type === 'sequential') return layer.layers.reduce((total, inner) => total + bufferCount(inner), 0);
  if ((layer.type === 'batchNorm1d' || layer.type === 'batchNorm2d') && layer.trackRunningStats)
    return 2 * layer.features;
  return 0;
}

/**
 * The number of parameters (trainable values, as `model.parameters()` would hold) of the model a
 * spec describes, computed without building it: nothing is allocated. Validates the spec first,
 * with `buildModel`'s errors.
 *
 * @example
 * ```ts
 * specParameterCount({ type: 'sequential', layers: [
 *   { type: 'linear', in: 784, out: 128 }, { type: 'relu' }, { type: 'linear', in: 128, out: 10 },
 * ] }); // 101770
 * ```
 */
export function specParameterCount(spec: ModelSpec | unknown): number {
  return parameterCount(readSpec(spec));
}

function build(layer: ReadLayer, generator: Generator | undefined): Module {
  switch (layer.type) {
    case 'sequential':
      return new Sequential(...layer.layers.map((inner) => build(inner, generator)));
    case 'linear':
      return new Linear(layer.in, layer.out, { bias: layer.bias, generator });
    case 'conv2d':
      return new Conv2d(layer.in, layer.out, layer.kernel, {
        stride: layer.stride,
        padding: layer.padding,
        dilation: layer.dilation,
        groups: layer.groups,
        paddingMode: layer.paddingMode,
        bias: layer.bias,
        generator,
      });
    case 'maxPool2d':
      return new MaxPool2d(layer.kernel, {
        stride: layer.stride,
        padding: layer.padding,
        ceilMode: layer.ceilMode,
        dilation: layer.dilation,
      });
    case 'avgPool2d':
      return new AvgPool2d(layer.kernel, {
        stride: layer.stride,
        padding: layer.padding,
        ceilMode: layer.ceilMode,
        countIncludePad: layer.countIncludePad,
      });
    case 'adaptiveAvgPool2d':
      return new AdaptiveAvgPool2d(layer.output);
    case 'embedding':
      return new Embedding(layer.embeddings, layer.dim, { paddingIdx: layer.paddingIdx, generator });
    case 'flatten':
      return new Flatten(layer.startAxis, layer.endAxis);
    case 'dropout':
      return new Dropout(layer.p, { generator });
    case 'batchNorm1d':
    case 'batchNorm2d': {
      const options = {
        eps: layer.eps,
        momentum: layer.momentum,
        affine: layer.affine,
        trackRunningStats: layer.trackRunningStats,
      };
      return layer.type === 'batchNorm1d'
        ? new BatchNorm1d(layer.features, options)
        : new BatchNorm2d(layer.features, options);
    }
    case 'layerNorm':
      return new LayerNorm(layer.shape, { eps: layer.eps, elementwiseAffine: layer.elementwiseAffine });
    case 'leakyRelu':
      return new LeakyReLU(layer.slope);
    case 'softmax':
      return new Softmax(layer.axis);
    case 'logSoftmax':
      return new LogSoftmax(layer.axis);
    case 'relu':
      return new ReLU();
    case 'sigmoid':
      return new Sigmoid();
    case 'tanh':
      return new Tanh();
    case 'gelu':
      return new GELU();
    case 'softplus':
      return new Softplus();
    case 'silu':
      return new SiLU();
  }
}

/**
 * Builds the modules a JSON spec describes; `model.toSpec()` gives the spec back. Every field
 * is checked and an error names its path (`layers[2].out: expected a positive integer, got "ten"`);
 * a spec with more than `maxParameters` parameters is refused before anything is allocated
 * (NOTE(max-parameters)).
 *
 * @example
 * ```ts
 * const model = buildModel({ type: 'sequential', layers: [
 *   { type: 'linear', in: 784, out: 128 }, { type: 'relu' }, { type: 'linear', in: 128, out: 10 },
 * ] });
 * ```
 */
export function buildModel(spec: ModelSpec | unknown, options: BuildModelOptions = {}): Module {
  const { maxParameters = DEFAULT_MAX_PARAMETERS } = options;
  if (typeof maxParameters !== 'number' || !(maxParameters >= 0)) {
    throw new Error(`buildModel: maxParameters must be a non-negative number, got ${String(maxParameters)}`);
  }
  const layer = readSpec(spec);
  // Buffers count too: BatchNorm with affine: false has no parameters but two running statistics.
  const count = parameterCount(layer) + bufferCount(layer);
  if (count > maxParameters) {
    throw new Error(
      `buildModel: the spec has ${count.toLocaleString('en-US')} parameters and buffer values, over the limit of ` +
        `${maxParameters.toLocaleString('en-US')} (maxParameters); pass { maxParameters } to raise it if the spec is trusted`,
    );
  }
  return build(layer, options.generator);
}
