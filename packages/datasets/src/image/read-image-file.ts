// Reading an image file from disk: a regular file only (a FIFO or device is refused without
// blocking), at most maxFileBytes. Node-only (node:fs).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
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
  let descriptor: number;
  try {
    // NOTE(nonblock): O_NONBLOCK so that opening a FIFO does not wait for a writer; fstat then refuses it.
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const problem = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not an image file' : `cannot be opened (${code ?? 'error'})`;
    throw new ImageError(path, problem, 'check the path', { cause: error });
  }
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) throw new ImageError(path, 'not a regular file (a directory, FIFO, socket or device)', 'give the path of an image file');
    if (stats.size > options.maxFileBytes) {
      throw new ImageError(
        path,
        `${stats.size.toLocaleString('en-US')} bytes, over the ${options.maxFileBytes.toLocaleString('en-US')}-byte limit for an image file (maxFileBytes)`,
        'shrink the image, or raise maxFileBytes if the file is trusted',
      );
    }
    // Read at most size + 1 bytes: a file that grew since fstat is read up to the limit, not beyond.
    const bytes = new Uint8Array(Math.min(stats.size + 1, options.maxFileBytes + 1));
    let read = 0;
    for (let count = 1; count > 0 && read < bytes.length; read += count) count = readSync(descriptor, bytes, read, bytes.length - read, read);
    if (read > options.maxFileBytes) throw new ImageError(path, `grew past the ${options.maxFileBytes}-byte limit while being read (maxFileBytes)`, 'read it when it is complete');
    return bytes.subarray(0, read);
  } finally {
    closeSync(descriptor);
  }
}
