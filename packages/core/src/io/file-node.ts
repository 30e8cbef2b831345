// Node-only: checkpoints and safetensors files on disk, written atomically (temp file, fsync, rename).
// Node-only (a `*-node.ts` file may import node: modules); browser code must never import it.
import { randomBytes } from 'node:crypto';
import { link, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint, type DecodeCheckpointOptions } from './checkpoint.js';
import { checkByteLimit, readRegularFile, type ReadFileOptions } from './read-file-node.js';
import { loadSafetensors, type SafetensorsContents } from './safetensors-read.js';
import { saveSafetensors } from './safetensors-write.js';
import type { Tensor } from '../tensor/tensor.js';

// NOTE(atomic-write): the bytes go to a fresh temp file beside the target (same directory, so the
// same file system), are fsynced, then the temp file is renamed over the target — atomic on
// POSIX and on Windows, so a reader (or a crash) sees the old file or the new one, never half of
// each. Without overwrite, the temp file is hard-linked to the target instead, which fails if
// the target exists: no window in which another writer's file could be replaced. On any
// failure the temp file is removed and an existing file is left as it was.

// NOTE(max-file-bytes): model and checkpoint files are read whole into memory. 2 GiB holds the
// checkpoint of a model at buildModel's default limit (100 M float32 parameters = 400 MB, plus
// Adam's two moments: 1.2 GB) with room to spare, and stays below what one Node buffer can hold.
/** Default `maxBytes` of {@link loadCheckpointFile} and {@link loadSafetensorsFile}: 2 GiB. */
export const DEFAULT_MAX_FILE_BYTES = 2 ** 31;

/** An error from the file system, with its POSIX code (`ENOENT`, `EEXIST`, ...). */
type SystemError = Error & { code?: string };

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** Replace an existing file (default `true` here; the checkpoint and safetensors savers default to `false`). */
  overwrite?: boolean;
}

/** Options of the savers: {@link saveCheckpointFile}, {@link saveSafetensorsFile}. */
export interface SaveFileOptions {
  /** Replace an existing file, atomically. Default `false`: an existing file is an error. */
  overwrite?: boolean;
}

/**
 * Writes `bytes` to `path` atomically (see NOTE(atomic-write)): afterwards the file holds all the
 * new bytes, and after a failure it holds exactly what it held before. The directory must exist.
 *
 * @example
 * ```ts
 * await writeFileAtomic('runs/model.safetensors', bytes);                       // replaces
 * await writeFileAtomic('runs/model.safetensors', bytes, { overwrite: false }); // refuses
 * ```
 */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  await writeAtomically('writeFileAtomic', path, bytes, options.overwrite ?? true);
}

/**
 * Saves a training checkpoint as one safetensors file, atomically; refuses to replace an
 * existing file unless `overwrite: true`.
 *
 * @example
 * ```ts
 * await saveCheckpointFile('runs/step-1000.safetensors', {
 *   model: model.stateDict(), optimizer: optimizer.stateDict(), spec: model.toSpec(),
 *   training: { step: 1000, epoch: 3, rng: generator.getState() },
 * }, { overwrite: true });
 * ```
 */
export async function saveCheckpointFile(
  path: string,
  checkpoint: Checkpoint,
  options: SaveFileOptions = {},
): Promise<void> {
  const overwrite = options.overwrite ?? false;
  if (!overwrite) await refuseExisting('saveCheckpointFile', path);
  await writeAtomically('saveCheckpointFile', path, encodeCheckpoint(checkpoint), overwrite);
}

/**
 * Reads a checkpoint file written by {@link saveCheckpointFile} (or a plain safetensors file:
 * weights only). Errors name the path. Only regular files of at most `maxBytes` (default 2 GiB,
 * {@link DEFAULT_MAX_FILE_BYTES}) are read (NOTE(regular-files)).
 *
 * @example
 * ```ts
 * const saved = await loadCheckpointFile('runs/step-1000.safetensors', { require: ['optimizer'] });
 * model.loadStateDict(saved.model);
 * ```
 */
export async function loadCheckpointFile(
  path: string,
  options: DecodeCheckpointOptions & ReadFileOptions = {},
): Promise<Checkpoint> {
  const bytes = await readBytes('loadCheckpointFile', path, options);
  return withPath('loadCheckpointFile', path, () => decodeCheckpoint(bytes, options));
}

/**
 * Saves tensors (and string metadata) as a safetensors file, atomically; refuses to replace an
 * existing file unless `overwrite: true`.
 *
 * @example
 * ```ts
 * await saveSafetensorsFile('model.safetensors', model.stateDict(), { metadata: { format: 'pt' } });
 * ```
 */
export async function saveSafetensorsFile(
  path: string,
  tensors: Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>,
  options: SaveFileOptions & { metadata?: Readonly<Record<string, string>> } = {},
): Promise<void> {
  const overwrite = options.overwrite ?? false;
  if (!overwrite) await refuseExisting('saveSafetensorsFile', path);
  await writeAtomically('saveSafetensorsFile', path, saveSafetensors(tensors, options.metadata), overwrite);
}

/**
 * Reads a safetensors file (see `loadSafetensors`). Errors name the path. Only regular files of
 * at most `maxBytes` (default 2 GiB) are read.
 *
 * @example
 * ```ts
 * const { tensors, metadata } = await loadSafetensorsFile('model.safetensors');
 * ```
 */
export async function loadSafetensorsFile(path: string, options: ReadFileOptions = {}): Promise<SafetensorsContents> {
  const bytes = await readBytes('loadSafetensorsFile', path, options);
  return withPath('loadSafetensorsFile', path, () => loadSafetensors(bytes));
}

async function writeAtomically(op: string, path: string, bytes: Uint8Array, overwrite: boolean): Promise<void> {
  const target = resolve(path);
  const directory = dirname(target);
  const directoryStats = await stat(directory).catch((error: SystemError) => {
    if (error.code === 'ENOENT') {
      throw new Error(
        `${op}: directory ${directory} does not exist; create it first (mkdir -p ${directory}, or fs.mkdir with recursive: true)`,
      );
    }
    throw new Error(`${op}: cannot use directory ${directory}: ${error.message}`, { cause: error });
  });
  if (!directoryStats.isDirectory())
    throw new Error(`${op}: ${directory} is not a directory, so ${target} cannot be written`);

  const temporary = join(directory, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  let created = false;
  try {
    const handle = await open(temporary, 'wx');
    created = true;
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (overwrite) {
      await rename(temporary, target);
      created = false;
    } else {
      await linkWithoutReplacing(op, temporary, target);
    }
    await syncDirectory(directory);
  } catch (error) {
    if (isRefusal(error)) throw error;
    const cause = error as Error;
    throw new Error(`${op}: could not write ${target} (${cause.message}); any existing file there is unchanged`, {
      cause,
    });
  } finally {
    if (created) await unlink(temporary).catch(() => undefined);
  }
}

/** Publishes the temp file under `target` only if nothing is there (hard link: atomic, fails with EEXIST). */
async function linkWithoutReplacing(op: string, temporary: string, target: string): Promise<void> {
  try {
    await link(temporary, target);
  } catch (error) {
    const code = (error as SystemError).code;
    if (code === 'EEXIST') throw refusal(op, target);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    // A file system without hard links (FAT, some network shares): check, then rename.
    await refuseExisting(op, target);
    await rename(temporary, target);
  }
}

async function refuseExisting(op: string, path: string): Promise<void> {
  const exists = await stat(path).then(
    () => true,
    (error: SystemError) => {
      if (error.code === 'ENOENT') return false;
      throw new Error(`${op}: cannot check whether ${resolve(path)} exists (${error.message})`, { cause: error });
    },
  );
  if (exists) throw refusal(op, resolve(path));
}

const REFUSAL = Symbol('refusal');

function refusal(op: string, target: string): Error {
  const error = new Error(
    `${op}: ${target} already exists; pass { overwrite: true } to replace it (atomically), or choose another path`,
  );
  return Object.assign(error, { [REFUSAL]: true });
}

function isRefusal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && REFUSAL in error;
}

/** Makes the rename itself durable; best effort (not every platform can fsync a directory). */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r').catch(() => undefined);
  if (handle === undefined) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}

async function readBytes(op: string, path: string, options: ReadFileOptions): Promise<Uint8Array> {
  const maxBytes = checkByteLimit(op, 'maxBytes', options.maxBytes ?? DEFAULT_MAX_FILE_BYTES);
  return readRegularFile(op, path, maxBytes);
}

function withPath<T>(op: string, path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new Error(`${op}: ${resolve(path)}: ${(error as Error).message}`, { cause: error });
  }
}
