// The run directory: its file names, claiming and locking a fresh one (never overwriting without
// --force), discarding a run that never reached its first checkpoint, atomic small files. Node-only.
import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@backprop/core/node';
import { runtimeError, usageError, firstLine } from '../errors.js';
import { makeDirectory } from './make-directory.js';
import { acquireRunLock, LOCK_FILE, type RunLock } from './run-lock.js';

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

/** A run directory this process holds: the lock, and whether this run created the directory. */
export interface ClaimedRun {
  directory: string;
  lock: RunLock;
  /** True when this run made the directory (so that a run failing before its first checkpoint removes it). */
  created: boolean;
}

/**
 * Claims the run directory: `out`, or the first free `runs/<name>-<n>`, created if missing, and
 * locked (NOTE(run-lock)) before anything is written. An existing, non-empty `out` is refused
 * unless `force`, and then only its run files are removed (nothing else in it).
 *
 * @example
 * ```ts
 * const run = claimRunDirectory(null, 'mnist-cnn', false); // run.directory: 'runs/mnist-cnn-1' (or -2, …)
 * run.lock.release();
 * ```
 */
export function claimRunDirectory(out: string | null, name: string, force: boolean): ClaimedRun {
  try {
    if (out === null) {
      makeDirectory('runs');
      for (let n = 1; ; n++) {
        const candidate = join('runs', `${name}-${n}`);
        if (tryCreate(candidate))
          return {
            directory: candidate,
            created: true,
            lock: acquireRunLock(candidate, { flag: `--out ${candidate}`, command: 'train' }),
          };
      }
    }
    const created = makeDirectory(out);
    const lock = acquireRunLock(out, { flag: `--out ${out}`, command: 'train' });
    try {
      const entries = readdirSync(out).filter((entry) => !entry.startsWith(LOCK_FILE));
      if (!created && entries.length > 0) {
        if (!force) {
          const resumable = existsSync(join(out, RUN_FILES.checkpoint));
          throw usageError(
            `--out ${out} already exists and is not empty; choose another --out, add --force to replace its run` +
              (resumable ? `, or continue it with --resume ${out}` : ' (it holds no checkpoint to resume)'),
          );
        }
        for (const file of Object.values(RUN_FILES)) rmSync(join(out, file), { force: true });
      }
    } catch (error) {
      lock.release();
      throw error;
    }
    return { directory: out, created, lock };
  } catch (error) {
    if (error instanceof Error && error.name === 'CliError') throw error;
    if ((error as { code?: string }).code === 'ENOTDIR')
      throw usageError(`--out ${out}: ${firstLine(error)}; choose another --out`);
    throw runtimeError(`cannot create the run directory (${firstLine(error)}); check --out and its permissions`, error);
  }
}

/**
 * Removes what a run that failed before its first checkpoint wrote — its run files, and the
 * directory when the run created it and nothing else is in it — so that the same command can
 * simply be run again. Best effort: a file that cannot be removed stays.
 */
export function discardUnstartedRun(run: ClaimedRun): void {
  if (existsSync(join(run.directory, RUN_FILES.checkpoint))) return;
  for (const file of Object.values(RUN_FILES)) rmSync(join(run.directory, file), { force: true });
  run.lock.release();
  if (run.created) {
    try {
      rmdirSync(run.directory); // only when empty
    } catch {
      // something else is in it: leave it
    }
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
