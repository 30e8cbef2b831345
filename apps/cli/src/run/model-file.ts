// model.safetensors of a run: the weights (PyTorch names and layouts), the model spec and what the
// data looked like (sample shape, classes), so eval/predict/export need nothing else.
import { buildModel, decodeCheckpoint, encodeCheckpoint, type ModelSpec, type Module, type StateDict } from '@backprop/core';
import { existsSync, readFileSync } from 'node:fs';
import { firstLine, runtimeError, usageError } from '../errors.js';

/** The metadata key (outside core's reserved `backprop.*`) holding {@link DataInfo} as JSON. */
const DATA_KEY = 'backprop_cli.data';

/** What the model was trained on. */
export interface DataInfo {
  /** `--data` of the run. */
  data: string;
  /** Shape of one input sample, e.g. [1, 28, 28]. */
  sampleShape: number[];
  classes: number;
}

/**
 * The bytes of model.safetensors: `safetensors.torch.load_file` reads the weights; `format: pt`
 * tells Hugging Face tools they are PyTorch tensors.
 */
export function encodeModelFile(weights: StateDict, spec: ModelSpec, info: DataInfo): Uint8Array {
  return encodeCheckpoint({ model: weights, spec, metadata: { format: 'pt', [DATA_KEY]: JSON.stringify(info) } });
}

/** A model read back: the module with its weights, its spec, and the data it was trained on. */
export interface SavedModel {
  model: Module;
  spec: ModelSpec;
  weights: StateDict;
  info: DataInfo;
}

/**
 * Reads `path` (a run's model.safetensors) and rebuilds the model. Missing file: usage error;
 * damaged file: runtime error.
 *
 * @example
 * ```ts
 * const { model, info } = readModelFile('runs/mnist-cnn-1/model.safetensors');
 * ```
 */
export function readModelFile(path: string): SavedModel {
  if (!existsSync(path)) {
    throw usageError(`${path} does not exist: is this a run directory? A run writes it after its first epoch (resume it with backprop train --resume)`);
  }
  const damaged = (detail: string, cause?: unknown) => runtimeError(`${path} is damaged or not a backprop model (${detail}); train again or restore the file`, cause);
  let checkpoint;
  try {
    checkpoint = decodeCheckpoint(readFileSync(path), { require: ['spec'] });
  } catch (error) {
    throw damaged(firstLine(error), error);
  }
  let info: DataInfo;
  try {
    info = JSON.parse(checkpoint.metadata?.[DATA_KEY] ?? 'null') as DataInfo;
    if (info === null || !Array.isArray(info.sampleShape) || !Number.isInteger(info.classes)) throw new Error(`no ${DATA_KEY} metadata`);
  } catch (error) {
    throw damaged(firstLine(error), error);
  }
  try {
    const model = buildModel(checkpoint.spec);
    model.loadStateDict(checkpoint.model); // strict: throws on missing, unexpected or wrongly shaped weights
    model.eval();
    return { model, spec: checkpoint.spec as ModelSpec, weights: checkpoint.model, info };
  } catch (error) {
    throw damaged(firstLine(error), error);
  }
}
