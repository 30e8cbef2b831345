// Reading an image file from disk: the bounded regular-file reader, its problems as ImageErrors
// naming the file. Node-only (node:fs).
import { FileProblem, readRegularFileSync } from '../read-regular-file.js';
import { ImageError } from './image-error.js';

/**
 * The bytes of `path`, which must be a regular file of at most `maxFileBytes` bytes; otherwise an
 * {@link ImageError} naming the file (a missing file too).
 *
 * @example
 * ```ts
 * const bytes = readImageFileSync('cat.jpg', { maxFileBytes: 64 * 2 ** 20 });
 * ```
 */
export function readImageFileSync(path: string, options: { maxFileBytes: number }): Uint8Array {
  try {
    return readRegularFileSync(path, {
      maxBytes: options.maxFileBytes,
      limitName: 'maxFileBytes',
      kind: 'an image file',
      tooLargeFix: 'shrink the image, or raise maxFileBytes if the file is trusted',
    });
  } catch (error) {
    if (error instanceof FileProblem) throw new ImageError(path, error.problem, error.fix, { cause: error.cause });
    throw error;
  }
}
