// Reading a small JSON file the user names (--config, --model): a regular file only, read with a
// size bound, a UTF-8 byte-order mark allowed (editors on Windows write one). Node-only.
import { CliError, ExitCode, firstLine } from '../errors.js';
import { readUserFile } from '../run/user-file.js';
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
  const bytes = readUserFile(path, { what: flag, maxBytes: LIMITS.jsonFileBytes, missing: 'check the path' });
  const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${flag} ${path} is not valid JSON (${firstLine(error)}); fix the file`, ExitCode.runtime, {
      cause: error,
    });
  }
}
