// A model.safetensors from the CLI (core's model file: weights + the JSON spec in metadata, read by
// core's loadModel) → a model that maps a 28×28 digit to 10 class scores, or an error that says
// what is wrong. No DOM.
import { loadModel, ModelFileError, noGrad, Tensor, zeros, type ModelSpec, type Module } from '@backprop/core';

/** A model read from a file, ready to predict. */
export interface LoadedModel {
  model: Module;
  spec: ModelSpec;
  /** The input shape of one batch it accepts: [1, 784] (MLP) or [1, 1, 28, 28] (CNN). */
  inputShape: number[];
  /** Number of trained values. */
  parameters: number;
  /** Training step stored in the file, if any. */
  step: number | null;
}

/** Largest model file read: core's 100 M-parameter limit is far above any digit model, and a file is read whole into memory. */
export const MAX_MODEL_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Throws before a file is read when it is larger than {@link MAX_MODEL_FILE_BYTES}: the page
 * would otherwise copy a huge (or hostile) file into memory whole.
 *
 * @example
 * ```ts
 * checkModelFileSize(file.size, file.name); // then file.arrayBuffer()
 * ```
 */
export function checkModelFileSize(
  bytes: number,
  name: string,
  options: { model: string; fix: string } = {
    model: 'a model for 28×28 digits',
    fix: 'choose the model.safetensors of a digits run',
  },
): void {
  if (bytes > MAX_MODEL_FILE_BYTES) {
    throw new Error(
      `${name.slice(0, 80)} is ${(bytes / 2 ** 20).toFixed(1)} MiB, over the ${MAX_MODEL_FILE_BYTES / 2 ** 20} MiB ${options.model} may take here; ${options.fix}`,
    );
  }
}

const INPUT_SHAPES = [
  [1, 784],
  [1, 1, 28, 28],
];

/**
 * Reads a safetensors checkpoint and rebuilds its model. Throws an Error whose message names the
 * file and the problem: not safetensors / damaged, no model spec, a spec that cannot be built,
 * weights that do not fit the spec, a model that does not map a digit to 10 scores.
 *
 * @example
 * ```ts
 * const { model, inputShape } = readModelFile(new Uint8Array(await file.arrayBuffer()), file.name);
 * const scores = model.forward(new Tensor(pixels, inputShape)); // [1, 10]
 * ```
 */
export function readModelFile(bytes: Uint8Array, name = 'the file'): LoadedModel {
  let loaded;
  try {
    // A checkpoint saved with a spec only (no data description) loads too: the input shape is found by trying.
    loaded = loadModel(bytes, { dataInfo: 'optional' });
  } catch (error) {
    if (!(error instanceof ModelFileError)) throw error;
    const wording: Record<ModelFileError['part'], string> = {
      file: `${name} is not a readable safetensors file: ${error.message}`,
      spec: error.message.startsWith('no model spec')
        ? `${name} has ${error.message}: save it with \`backprop train\` or encodeModelFile({ weights, spec, info })`
        : `${name}: its model spec cannot be built: ${error.message}`,
      weights: `${name}: its weights do not fit its model spec: ${error.message}`,
      data: `${name}: its data description is damaged: ${error.message}`,
    };
    throw new Error(wording[error.part], { cause: error });
  }
  const { model, spec } = loaded;
  model.eval();
  const attempts: string[] = [];
  for (const inputShape of INPUT_SHAPES) {
    try {
      const output = noGrad(() => model.forward(zeros(inputShape)));
      if (output.shape.length === 2 && output.shape[1] === 10) {
        return {
          model,
          spec,
          inputShape,
          parameters: model.parameters().reduce((n, p) => n + p.size, 0),
          step: loaded.step,
        };
      }
      attempts.push(`[${inputShape.join(', ')}] gives [${output.shape.join(', ')}]`);
    } catch (error) {
      attempts.push(`[${inputShape.join(', ')}]: ${(error as Error).message}`);
    }
  }
  throw new Error(`${name}: the model does not map a 28×28 digit to 10 class scores (${attempts.join('; ')})`);
}

/**
 * Softmax probabilities of the 10 digits for one 28×28 input (784 floats in [0, 1]).
 *
 * @example
 * ```ts
 * const probabilities = predictDigit(loaded.model, loaded.inputShape, drawingToInput(ink, 280, 280)!);
 * ```
 */
export function predictDigit(model: Module, inputShape: readonly number[], pixels: Float32Array): Float32Array {
  if (pixels.length !== 784) throw new Error(`predictDigit: expected 784 pixels, got ${pixels.length}`);
  model.eval();
  return noGrad(() =>
    model
      .forward(new Tensor(pixels, [...inputShape]))
      .softmax(1)
      .data.slice(),
  );
}
