// The run directory: its file names, claiming a fresh one (never overwriting without --force) and
// writing its small files atomically. Node-only.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@backprop/core/node';
import { runtimeError, usageError, firstLine } from '../errors.js';

/** The files of a run directory. */
export const RUN_FILES = {
  config: 'config.json',
  metrics: 'metrics.jsonl',
  model: 'model.safetensors',
  checkpoint: 'checkpoint.safetensors',
  curves: 'curves.svg',
} as const;

/** Paths of a run's files. */
export type RunPaths = { directory: string } & { [K in keyof typeof RUN_FILES]: string };

/** The paths of the files in `directory`. */
export function runPaths(directory: string): RunPaths {
  const entries = Object.entries(RUN_FILES).map(([key, name]) => [key, join(directory, name)]);
  return { directory, ...Object.fromEntries(entries) } as RunPaths;
}

/**
 * Creates the run directory: `out`, or the first free `runs/<name>-<n>`. An existing, non-empty
 * `out` is refused unless `force`, and then only its run files are removed (nothing else in it).
 *
 * @example
 * ```ts
 * claimRunDirectory(null, 'mnist-cnn', false); // 'runs/mnist-cnn-1' (or -2, … if taken)
 * ```
 */
export function claimRunDirectory(out: string | null, name: string, force: boolean): string {
  try {
    if (out === null) {
      mkdirSync('runs', { recursive: true });
      for (let n = 1; ; n++) {
        const candidate = join('runs', `${name}-${n}`);
        if (tryCreate(candidate)) return candidate;
      }
    }
    if (existsSync(out)) {
      if (!statSync(out).isDirectory()) throw usageError(`--out ${out} is a file, not a directory; choose another --out`);
      if (readdirSync(out).length > 0) {
        if (!force) {
          const resumable = existsSync(join(out, RUN_FILES.checkpoint));
          throw usageError(
            `--out ${out} already exists and is not empty; choose another --out, add --force to replace its run` +
              (resumable ? `, or continue it with --resume ${out}` : ' (it holds no checkpoint to resume)'),
          );
        }
        for (const file of Object.values(RUN_FILES)) rmSync(join(out, file), { force: true });
      }
      return out;
    }
    mkdirSync(out, { recursive: true });
    return out;
  } catch (error) {
    if (error instanceof Error && error.name === 'CliError') throw error;
    throw runtimeError(`cannot create the run directory (${firstLine(error)}); check --out and its permissions`, error);
  }
}

function tryCreate(directory: string): boolean {
  try {
    mkdirSync(directory);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') return false;
    throw error;
  }
}

/** Writes a text file of the run atomically (a reader or a crash sees the old file or the new one). */
export async function writeRunFile(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, new TextEncoder().encode(text));
}
