// The worker thread of parallel decoding (decode-pool.ts): reads, decodes and resizes its share of
// an image folder's files into the shared output, one file at a time. Node-only (node:fs).
import { decodeImage } from './decode-image.js';
import { ImageError } from './image-error.js';
import { imageToTensor, type ImageTensorOptions } from './image-tensor.js';
import { readImageFileSync } from './read-image-file.js';

/** One batch of files: each decoded into slot `slots[i]` of `output` (float32, `size` floats a slot). */
export interface DecodeTask {
  readonly paths: readonly string[];
  readonly slots: readonly number[];
  readonly output: SharedArrayBuffer;
  readonly size: number;
  readonly tensor: ImageTensorOptions;
  readonly maxPixels: number;
  readonly maxFileBytes: number;
}

/** Per file: null when decoded, or the ImageError's parts (an error of another kind rejects the task). */
export type DecodeOutcome = null | { readonly file: string; readonly problem: string; readonly fix: string };

/**
 * Decodes a task's files exactly as `loadImageSync` does, writing each into its slot.
 *
 * @example
 * ```ts
 * decodeBatch({ paths: ['pictures/cat/1.jpg'], slots: [0], output, size: 3072, tensor: { width: 32, height: 32, color: 'rgb' }, maxPixels: 5e7, maxFileBytes: 2 ** 26 }); // [null]
 * ```
 */
export default function decodeBatch(task: DecodeTask): DecodeOutcome[] {
  const output = new Float32Array(task.output);
  return task.paths.map((path, i) => {
    try {
      const bytes = readImageFileSync(path, { maxFileBytes: task.maxFileBytes });
      output.set(
        imageToTensor(decodeImage(bytes, { file: path, maxPixels: task.maxPixels }), task.tensor),
        task.slots[i]! * task.size,
      );
      return null;
    } catch (error) {
      if (!(error instanceof ImageError)) throw error;
      return { file: error.file, problem: error.problem, fix: error.fix };
    }
  });
}
