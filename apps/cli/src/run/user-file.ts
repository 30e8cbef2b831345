// Reading a file the user names, for every command: core's bounded reader (regular files only,
// opened without blocking, the size checked before a byte is read) with the CLI's error kinds.
import { existsSync } from 'node:fs';
import { readRegularFileSync } from '@backprop/core/node';
import { firstLine, runtimeError, usageError } from '../errors.js';

/** Options of {@link readUserFile}. */
export interface ReadUserFileOptions {
  /** How messages name the file, e.g. `--config` or `--resume runs/a:`. */
  what: string;
  /** Most bytes read; a larger file is refused before anything is allocated. */
  maxBytes: number;
  /** What to do when the file is missing (the fix part of the message). */
  missing: string;
}

/**
 * The bytes of `path`: a missing file is a usage error (exit 2) that says `missing`; a special
 * file (FIFO, device, directory) or one over `maxBytes` is a runtime error (exit 1) naming the limit.
 *
 * @example
 * ```ts
 * const bytes = readUserFile('net.json', { what: '--model', maxBytes: 1 << 20, missing: 'check the path' });
 * ```
 */
export function readUserFile(path: string, options: ReadUserFileOptions): Uint8Array {
  if (!existsSync(path)) throw usageError(`${options.what} ${path}: no such file; ${options.missing}`);
  try {
    return readRegularFileSync(options.what, path, options.maxBytes, 'the limit');
  } catch (error) {
    throw runtimeError(firstLine(error).replace(' (the limit); raise the limit if the file is trusted', ''), error);
  }
}
