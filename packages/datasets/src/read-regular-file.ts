// Reading a file from disk within a byte limit: a regular file only (a FIFO or device is refused
// without blocking), checked and read through one descriptor. Node-only (node:fs).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Why a file could not be read: `problem` (what is wrong with it) and `fix` (what to do), without the file's name. */
export class FileProblem extends Error {
  readonly problem: string;
  readonly fix: string;

  constructor(problem: string, fix: string, options?: { cause?: unknown }) {
    super(`${problem}; ${fix}`, options);
    this.name = 'FileProblem';
    this.problem = problem;
    this.fix = fix;
  }
}

/** Options of {@link readRegularFileSync}. */
export interface ReadRegularFileOptions {
  /** Most bytes read; a larger file is refused before anything is allocated. */
  maxBytes: number;
  /** The option that raises `maxBytes`, named in the message, e.g. `maxFileBytes`. */
  limitName: string;
  /** What the file should be, e.g. `an image file`. */
  kind: string;
  /** The fix for a file over the limit; default `raise <limitName> if the file is trusted`. */
  tooLargeFix?: string;
}

/**
 * The bytes of `path`, a regular file of at most `maxBytes` bytes; otherwise a {@link FileProblem}.
 *
 * @example
 * ```ts
 * const bytes = readRegularFileSync('cat.jpg', { maxBytes: 64 * 2 ** 20, limitName: 'maxFileBytes', kind: 'an image file' });
 * ```
 */
export function readRegularFileSync(path: string, options: ReadRegularFileOptions): Uint8Array {
  const { maxBytes, limitName, kind } = options;
  let descriptor: number;
  try {
    // NOTE(nonblock): O_NONBLOCK so that opening a FIFO does not wait for a writer; fstat then refuses it.
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const problem =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? `a directory, not ${kind}`
          : `cannot be opened (${code ?? 'error'})`;
    throw new FileProblem(problem, 'check the path', { cause: error });
  }
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile())
      throw new FileProblem('not a regular file (a directory, FIFO, socket or device)', `give the path of ${kind}`);
    if (stats.size > maxBytes) {
      throw new FileProblem(
        `${stats.size.toLocaleString('en-US')} bytes, over the ${maxBytes.toLocaleString('en-US')}-byte limit for ${kind} (${limitName})`,
        options.tooLargeFix ?? `raise ${limitName} if the file is trusted`,
      );
    }
    // Read at most size + 1 bytes: a file that grew since fstat is read up to the limit, not beyond.
    const bytes = new Uint8Array(Math.min(stats.size + 1, maxBytes + 1));
    let read = 0;
    for (let count = 1; count > 0 && read < bytes.length; read += count)
      count = readSync(descriptor, bytes, read, bytes.length - read, read);
    if (read > maxBytes)
      throw new FileProblem(
        `grew past the ${maxBytes.toLocaleString('en-US')}-byte limit while being read (${limitName})`,
        'read it when it is complete',
      );
    return bytes.subarray(0, read);
  } finally {
    closeSync(descriptor);
  }
}
