// The model `--model` names: the `mlp`, `cnn` and `photo-cnn` presets (sized to the data) or a JSON spec file,
// and the check that a model fits the data (input shape in, one score per class out).
import { existsSync } from 'node:fs';
import {
  buildModel,
  DEFAULT_MAX_PARAMETERS,
  modelFitProblem,
  photoCnnSpec,
  specParameterCount,
  type ModelSpec,
  type Module,
} from '@backprop/core';
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
    throw usageError(
      `--model cnn needs images [channels, height, width] of at least 12×12, but the data has samples of shape [${sampleShape.join(', ')}]; use --model mlp`,
    );
  }
  const [first, second] = channels as [number, number];
  const side = (size: number) => Math.floor((Math.floor(size / 2) - 4) / 2);
  return {
    type: 'sequential',
    layers: [
      { type: 'conv2d', in: inChannels!, out: first, kernel: 5, padding: 2 },
      { type: 'relu' },
      { type: 'maxPool2d', kernel: 2 },
      { type: 'conv2d', in: first, out: second, kernel: 5 },
      { type: 'relu' },
      { type: 'maxPool2d', kernel: 2 },
      { type: 'flatten' },
      { type: 'linear', in: second * side(height!) * side(width!), out: 120 },
      { type: 'relu' },
      { type: 'linear', in: 120, out: 84 },
      { type: 'relu' },
      { type: 'linear', in: 84, out: classes },
    ],
  };
}

/**
 * `--model photo-cnn`: core's {@link photoCnnSpec} (the same definition the page trains), with its
 * refusal of non-images as a usage error.
 */
function photoCnn(sampleShape: readonly number[], channels: readonly number[], classes: number): ModelSpec {
  try {
    return photoCnnSpec(sampleShape, channels, classes);
  } catch {
    throw usageError(
      `--model photo-cnn needs images [channels, height, width] of at least 16×16, but the data has samples of shape [${sampleShape.join(', ')}]; use --model mlp`,
    );
  }
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
  if (!existsSync(path))
    throw usageError(`--model ${path}: no such file; use mlp, cnn or the path of a JSON model spec`);
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
export function resolveModelSpec(
  config: Pick<TrainConfig, 'model' | 'hidden' | 'channels'>,
  data: Pick<LabelledData, 'sampleShape' | 'classes'>,
): ModelSpec {
  if (config.model === 'mlp') return mlpSpec(data.sampleShape, config.hidden, data.classes);
  if (config.model === 'cnn') return cnnSpec(data.sampleShape, config.channels, data.classes);
  if (config.model === 'photo-cnn') return photoCnn(data.sampleShape, config.channels, data.classes);
  return readSpecFile(config.model);
}

/**
 * Throws a usage error unless the model takes one sample of `sampleShape` and returns one score
 * per class: the check that a dataset fits a model, before any training.
 */
export function checkModelFits(
  spec: ModelSpec,
  data: Pick<LabelledData, 'sampleShape' | 'classes'>,
  modelName: string,
): void {
  checkModelSize(specParameterCount(spec), `--model ${modelName}`);
  let model: Module;
  try {
    model = buildModel(spec);
  } catch (error) {
    throw usageError(`--model ${modelName}: ${firstLine(error)}`);
  }
  const problem = modelFitProblem(model, data);
  if (problem !== null) throw usageError(`the data does not fit --model ${modelName}: ${problem}`);
}
