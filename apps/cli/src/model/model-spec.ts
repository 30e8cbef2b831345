// The model `--model` names: the `mlp` and `cnn` presets (sized to the data) or a JSON spec file,
// and the check that a model fits the data (input shape in, one score per class out).
import { existsSync } from 'node:fs';
import { buildModel, DEFAULT_MAX_PARAMETERS, noGrad, specParameterCount, Tensor, type ModelSpec, type Module } from '@backprop/core';
import { readJsonFile } from '../config/json-file.js';
import type { TrainConfig } from '../config/train-config.js';
import { CliError, firstLine, runtimeError, usageError } from '../errors.js';
import type { LabelledData } from '../data/labelled-data.js';

/**
 * A multilayer perceptron: flatten, then Linear + ReLU per hidden width, then Linear to the classes.
 *
 * @example
 * ```ts
 * mlpSpec([1, 28, 28], [256], 10); // flatten, linear 784→256, relu, linear 256→10
 * ```
 */
export function mlpSpec(sampleShape: readonly number[], hidden: readonly number[], classes: number): ModelSpec {
  const layers: ModelSpec[] = [{ type: 'flatten' }];
  let width = sampleShape.reduce((a, b) => a * b, 1);
  for (const size of hidden) {
    layers.push({ type: 'linear', in: width, out: size }, { type: 'relu' });
    width = size;
  }
  layers.push({ type: 'linear', in: width, out: classes });
  return { type: 'sequential', layers };
}

/**
 * A LeNet-5-style CNN for images [C, H, W]: conv c1@5×5 (padding 2), ReLU, max-pool 2, conv c2@5×5,
 * ReLU, max-pool 2, then Linear 120, 84 and the classes. Throws a usage error for non-images.
 *
 * @example
 * ```ts
 * cnnSpec([1, 28, 28], [6, 16], 10); // LeNet-5: 16×5×5 = 400 features into the first Linear
 * ```
 */
export function cnnSpec(sampleShape: readonly number[], channels: readonly number[], classes: number): ModelSpec {
  const [inChannels, height, width] = sampleShape;
  if (sampleShape.length !== 3 || height! < 12 || width! < 12) {
    throw usageError(`--model cnn needs images [channels, height, width] of at least 12×12, but the data has samples of shape [${sampleShape.join(', ')}]; use --model mlp`);
  }
  const [first, second] = channels as [number, number];
  const side = (size: number) => Math.floor((Math.floor(size / 2) - 4) / 2);
  return {
    type: 'sequential',
    layers: [
      { type: 'conv2d', in: inChannels!, out: first, kernel: 5, padding: 2 }, { type: 'relu' }, { type: 'maxPool2d', kernel: 2 },
      { type: 'conv2d', in: first, out: second, kernel: 5 }, { type: 'relu' }, { type: 'maxPool2d', kernel: 2 },
      { type: 'flatten' },
      { type: 'linear', in: second * side(height!) * side(width!), out: 120 }, { type: 'relu' },
      { type: 'linear', in: 120, out: 84 }, { type: 'relu' },
      { type: 'linear', in: 84, out: classes },
    ],
  };
}

/**
 * A small CNN for photos [C, S, S] (S ≥ 16): three blocks of conv 3×3 (padding 1), BatchNorm and
 * ReLU with channels c1, c2 and 2·c2, max-pooling 2 after the first two, then a global average pool
 * (average pooling over the whole remaining plane, PyTorch's AdaptiveAvgPool2d(1) for this fixed
 * size) and one Linear to the classes. Throws a usage error for non-images.
 *
 * @example
 * ```ts
 * photoCnnSpec([3, 32, 32], [16, 32], 2); // conv 16, 32, 64 → 64 averaged features → 2 scores
 * ```
 */
export function photoCnnSpec(sampleShape: readonly number[], channels: readonly number[], classes: number): ModelSpec {
  const [inChannels, height, imageWidth] = sampleShape;
  if (sampleShape.length !== 3 || height! < 16 || imageWidth! < 16) {
    throw usageError(`--model photo-cnn needs images [channels, height, width] of at least 16×16, but the data has samples of shape [${sampleShape.join(', ')}]; use --model mlp`);
  }
  const [first, second] = channels as [number, number];
  const block = (input: number, output: number): ModelSpec[] => [
    { type: 'conv2d', in: input, out: output, kernel: 3, padding: 1, bias: false },
    { type: 'batchNorm2d', features: output },
    { type: 'relu' },
  ];
  const pooled = [Math.floor(Math.floor(height! / 2) / 2), Math.floor(Math.floor(imageWidth! / 2) / 2)] as [number, number];
  return {
    type: 'sequential',
    layers: [
      ...block(inChannels!, first), { type: 'maxPool2d', kernel: 2 },
      ...block(first, second), { type: 'maxPool2d', kernel: 2 },
      ...block(second, 2 * second),
      { type: 'avgPool2d', kernel: pooled },
      { type: 'flatten' },
      { type: 'linear', in: 2 * second, out: classes },
    ],
  };
}

/**
 * Throws a usage error when a model has more parameters than core's `buildModel` builds
 * (DEFAULT_MAX_PARAMETERS, 100 M: 400 MB of weights, ~1.6 GB while training with Adam), before
 * anything is allocated.
 */
function checkModelSize(parameters: number, model: string): void {
  if (parameters > DEFAULT_MAX_PARAMETERS) {
    throw usageError(
      `${model} has ${parameters.toLocaleString('en-US')} parameters, over the limit of ${DEFAULT_MAX_PARAMETERS.toLocaleString('en-US')}; ` +
        'make it smaller (--hidden, --channels or the spec), or continue in PyTorch (backprop export)',
    );
  }
}

/** Reads and checks a JSON model spec file (usage error when missing, runtime error when it does not build). */
export function readSpecFile(path: string): ModelSpec {
  if (!existsSync(path)) throw usageError(`--model ${path}: no such file; use mlp, cnn or the path of a JSON model spec`);
  const spec = readJsonFile(path, '--model');
  try {
    checkModelSize(specParameterCount(spec), `--model ${path}`);
    buildModel(spec);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw runtimeError(`--model ${path}: not a valid model spec: ${firstLine(error)}`, error);
  }
  return spec as ModelSpec;
}

/**
 * The spec `--model` names, sized to the data.
 *
 * @example
 * ```ts
 * const spec = resolveModelSpec(config, data); // config.model: 'cnn' | 'mlp' | 'net.json'
 * ```
 */
export function resolveModelSpec(config: Pick<TrainConfig, 'model' | 'hidden' | 'channels'>, data: Pick<LabelledData, 'sampleShape' | 'classes'>): ModelSpec {
  if (config.model === 'mlp') return mlpSpec(data.sampleShape, config.hidden, data.classes);
  if (config.model === 'cnn') return cnnSpec(data.sampleShape, config.channels, data.classes);
  if (config.model === 'photo-cnn') return photoCnnSpec(data.sampleShape, config.channels, data.classes);
  return readSpecFile(config.model);
}

/**
 * Why `model` does not take one sample of `sampleShape` and return one score per class (shape
 * [1, classes]), or null when it does.
 *
 * @example
 * ```ts
 * fitProblem(model, { sampleShape: [2], classes: 3 }); // 'it outputs [2] per sample, but the data has 3 classes; …'
 * ```
 */
export function fitProblem(model: Module, data: Pick<LabelledData, 'sampleShape' | 'classes'>): string | null {
  model.eval();
  const shape = [1, ...data.sampleShape];
  let output: Tensor;
  try {
    output = noGrad(() => model.forward(new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape)));
  } catch (error) {
    return `samples of shape [${data.sampleShape.join(', ')}] fail in the model (${firstLine(error)}); change the model's input layer or the data`;
  }
  if (output.ndim !== 2 || output.shape[1] !== data.classes) {
    return `it outputs [${output.shape.slice(1).join(', ')}] per sample, but the data has ${data.classes} classes; make the last layer output ${data.classes}`;
  }
  return null;
}

/**
 * Throws a usage error unless the model takes one sample of `sampleShape` and returns one score
 * per class: the check that a dataset fits a model, before any training.
 */
export function checkModelFits(spec: ModelSpec, data: Pick<LabelledData, 'sampleShape' | 'classes'>, modelName: string): void {
  checkModelSize(specParameterCount(spec), `--model ${modelName}`);
  let model: Module;
  try {
    model = buildModel(spec);
  } catch (error) {
    throw usageError(`--model ${modelName}: ${firstLine(error)}`);
  }
  const problem = fitProblem(model, data);
  if (problem !== null) throw usageError(`the data does not fit --model ${modelName}: ${problem}`);
}
