// Weights from PyTorch: a plain safetensors state_dict (names as the exported model.py defines them)
// loaded into a run's model — `eval`/`predict --weights FILE`, `train --init-from FILE`. Node-only.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { loadSafetensors, type Module, type StateDict } from '@backprop/core';
import { firstLine, runtimeError, usageError } from '../errors.js';

/** Header bytes a weights file may hold besides its data (names, shapes, metadata). */
const HEADER_ALLOWANCE = 16 * 1024 * 1024;
/** Bytes per value a weights file may use: float64 is the widest dtype the reader converts. */
const WIDEST_DTYPE_BYTES = 8;

/**
 * Reads the safetensors file `path` into `model` and returns its tensors; when they do not fit, the
 * model is left unchanged and the error names every missing, unexpected or mis-shaped tensor (core's
 * `loadStateDict`). The file may hold
 * at most 8 bytes per value of the model plus 16 MiB of header (a bound set by the model itself,
 * so no flag raises it); it must be a regular file.
 *
 * @example
 * ```ts
 * loadWeightsFile('trained/model.safetensors', saved.model, '--weights');
 * ```
 */
export function loadWeightsFile(path: string, model: Module, flag: string): StateDict {
  let descriptor: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer; fstat refuses it next.
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw usageError(
        `${flag} ${path}: no such file; give the model.safetensors train.py wrote (trained/model.safetensors in the export folder)`,
      );
    throw runtimeError(`${flag} ${path} cannot be opened (${firstLine(error)})`, error);
  }
  let bytes: Uint8Array;
  try {
    const stat = fstatSync(descriptor);
    if (!stat.isFile()) throw usageError(`${flag} ${path} is not a regular file; give a .safetensors file`);
    const values = [...model.namedParameters(), ...model.namedBuffers()].reduce(
      (total, [, tensor]) => total + tensor.size,
      0,
    );
    const limit = values * WIDEST_DTYPE_BYTES + HEADER_ALLOWANCE;
    if (stat.size > limit) {
      throw usageError(
        `${flag} ${path} is ${stat.size} bytes, over the ${limit} bytes a state_dict of this model (${values} values) can take; is it the weights of another model?`,
      );
    }
    bytes = new Uint8Array(stat.size);
    let done = 0;
    while (done < bytes.length) {
      const read = readSync(descriptor, bytes, done, bytes.length - done, done);
      if (read === 0) break;
      done += read;
    }
    bytes = bytes.subarray(0, done);
  } finally {
    closeSync(descriptor);
  }
  let tensors: StateDict;
  try {
    tensors = loadSafetensors(bytes).tensors;
  } catch (error) {
    throw runtimeError(
      `${flag} ${path} is not a readable safetensors file (${firstLine(error)}); save it with model.py's write_safetensors or safetensors.torch.save_file`,
      error,
    );
  }
  const names = Object.keys(tensors);
  const ddpHint =
    names.length > 0 && names.every((name) => name.startsWith('module.'))
      ? ' — its names start with "module.": save model.module.state_dict() (the module inside DistributedDataParallel)'
      : '';
  try {
    model.loadStateDict(tensors); // checks every name and shape before it changes anything
  } catch (error) {
    throw usageError(
      `${flag} ${path} does not fit the run's model (${firstLine(error).replace(/^loadStateDict: /, '')})${ddpHint}; it must be a state_dict of model.py's BackpropModel`,
    );
  }
  return tensors;
}
