// `mkdir -p` one level at a time, so that a file system that refuses a directory ends in an error,
// never in a loop. Node-only; imports nothing of the CLI but its errors' helpers.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

// NOTE(mkdir-loop): Node 20's `mkdirSync(path, { recursive: true })` loops forever (100% CPU)
// when mkdir(path) fails with ENOENT although the parent exists — what /proc and /sys answer
// (`--out /proc/self/x`): it takes ENOENT for "parent missing", creates the parent (EEXIST: fine)
// and tries the child again. Creating each missing level once, top down, cannot loop.

/** An error from the file system, with its POSIX code. */
type SystemError = Error & { code?: string };

/**
 * Creates `path` and its missing parents, like `mkdir -p`; returns true when this call created
 * `path` itself (false when it already was a directory). Throws with the level that failed.
 *
 * @example
 * ```ts
 * makeDirectory('runs/a/b'); // true; a second call → false
 * makeDirectory('/proc/self/x'); // throws: /proc/self refuses new entries
 * ```
 */
export function makeDirectory(path: string): boolean {
  const missing: string[] = [];
  for (let current = resolve(path); ; current = dirname(current)) {
    if (isDirectory(current)) break;
    missing.push(current);
    if (dirname(current) === current) break; // the root itself is missing: mkdir reports why
  }
  let created = false;
  for (const directory of missing.reverse()) {
    try {
      mkdirSync(directory);
      created = true;
    } catch (error) {
      const code = (error as SystemError).code;
      if (code === 'EEXIST' && isDirectory(directory)) {
        created = false; // created meanwhile by another process
        continue;
      }
      if (code === 'ENOENT') {
        throw new Error(
          `${directory} cannot be created although ${dirname(directory)} exists (ENOENT: a virtual file system such as /proc or /sys takes no new directories)`,
          { cause: error },
        );
      }
      throw error;
    }
  }
  return created;
}

/** True for a directory (or a link to one), false when nothing is there; throws when a file is in the way. */
function isDirectory(path: string): boolean {
  try {
    if (statSync(path).isDirectory()) return true;
  } catch (error) {
    if ((error as SystemError).code === 'ENOENT') return false;
    throw error;
  }
  throw Object.assign(new Error(`${path} is a file, not a directory`), { code: 'ENOTDIR' });
}
