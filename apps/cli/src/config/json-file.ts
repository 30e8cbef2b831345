// Reading a small JSON file the user names (--config, --model): a regular file only, read with a
// size bound, a UTF-8 byte-order mark allowed (editors on Windows write one). Node-only.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CliError, ExitCode, firstLine, usageError } from '../errors.js';
import { LIMITS } from './limits.js';

/**
 * The parsed JSON of `path`; `flag` names the option in messages. A missing file is a usage error
 * (exit 2); a special file, one over {@link LIMITS}.jsonFileBytes or one that is not JSON, a
 * runtime error (exit 1).
 *
 * @example
 * ```ts
 * const options = readJsonFile('experiment.json', '--config');
 * ```
 */
export function readJsonFile(path: string, flag: string): unknown {
  let descriptor: number;
  try {
    descriptor = openSync(path, 'r');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') throw usageError(`${flag} ${path}: no such file; check the path`);
    throw new CliError(`${flag} ${path}: cannot read it (${firstLine(error)})`, ExitCode.runtime, { cause: error });
  }
  let bytes: Buffer;
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) throw new CliError(`${flag} ${path}: not a regular file; give the path of a JSON file`, ExitCode.runtime);
    if (stats.size > LIMITS.jsonFileBytes) {
      throw new CliError(`${flag} ${path}: ${stats.size} bytes, over the limit of ${LIMITS.jsonFileBytes} bytes for a JSON options or model file`, ExitCode.runtime);
    }
    bytes = Buffer.alloc(stats.size);
    let read = 0;
    while (read < bytes.length) {
      const count = readSync(descriptor, bytes, read, bytes.length - read, read);
      if (count === 0) break;
      read += count;
    }
    bytes = bytes.subarray(0, read);
  } finally {
    closeSync(descriptor);
  }
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${flag} ${path} is not valid JSON (${firstLine(error)}); fix the file`, ExitCode.runtime, { cause: error });
  }
}
