// model.safetensors of a run, read from disk: core's model file (weights with PyTorch names, the
// spec, and what the data looked like) behind the CLI's bounded file reader and its error kinds.
import { loadModel, type LoadedModel, type ModelDataInfo } from '@backprop/core';
import { existsSync } from 'node:fs';
import { DEFAULT_MAX_FILE_BYTES, readRegularFileSync } from '@backprop/core/node';
import { firstLine, runtimeError, usageError } from '../errors.js';

/** What the model was trained on (core's {@link ModelDataInfo}; `data` is the run's `--data`). */
export type DataInfo = ModelDataInfo;

/** A model read back: the module with its weights, its spec, and the data it was trained on. */
export type SavedModel = LoadedModel;

/**
 * Reads `path` (a run's model.safetensors) and rebuilds the model with core's `loadModel`. Missing
 * file: usage error; damaged file: runtime error.
 *
 * @example
 * ```ts
 * const { model, info } = readModelFile('runs/mnist-cnn-1/model.safetensors');
 * ```
 */
export function readModelFile(path: string): SavedModel {
  if (!existsSync(path)) {
    throw usageError(
      `${path} does not exist: is this a run directory? A run writes it after its first epoch (resume it with backprop train --resume)`,
    );
  }
  try {
    return loadModel(readRegularFileSync('backprop', path, DEFAULT_MAX_FILE_BYTES));
  } catch (error) {
    throw runtimeError(
      `${path} is damaged or not a backprop model (${firstLine(error)}); train again or restore the file`,
      error,
    );
  }
}
