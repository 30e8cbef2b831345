// Node-only: reads a whole file with a bound — regular files only, size checked on the opened
// handle before a byte is read. Imports node: modules; browser code must never import it.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';

// NOTE(regular-files): a path is opened with O_NONBLOCK, so a FIFO (or a device) named like a
// model file cannot block the open, and the opened handle is fstat-ed — not the path, which
// another process could swap between a stat and an open — then refused unless it is a regular
// file: /dev/zero, /proc files and sockets report sizes that are not their contents. The size is
// checked against the caller's limit before the buffer is allocated, and exactly that many bytes
// are read, so a file growing while it is read cannot grow memory.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Options of the bounded file readers. */
export interface ReadFileOptions {
  /** Refuse files larger than this many bytes, before reading them. */
  maxBytes?: number;
}

type SystemError = Error & { code?: string };

function describeKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function checkStats(op: string, path: string, stats: Stats, maxBytes: number, option: string): number {
  if (!stats.isFile())
    throw new Error(`${op}: ${resolve(path)} is ${describeKind(stats)}; only regular files are read`);
  if (stats.size > maxBytes) {
    throw new Error(
      `${op}: ${resolve(path)} is ${stats.size.toLocaleString('en-US')} bytes, over the ${maxBytes.toLocaleString('en-US')}-byte limit (${option}); ` +
        `raise ${option} if the file is trusted`,
    );
  }
  return stats.size;
}

function openError(op: string, path: string, error: unknown): Error {
  const cause = error as SystemError;
  if (cause.code === 'ENOENT') return new Error(`${op}: no file at ${resolve(path)}`, { cause });
  return new Error(`${op}: cannot read ${resolve(path)} (${cause.message})`, { cause });
}

function shrunk(op: string, path: string, read: number, size: number): Error {
  return new Error(
    `${op}: ${resolve(path)} shrank while it was read (${read} of ${size} bytes); try again once nothing is writing it`,
  );
}

/**
 * The bytes of a regular file of at most `maxBytes` bytes (NOTE(regular-files)); `option` is the
 * option name the error tells the user to raise.
 *
 * @example
 * ```ts
 * const bytes = await readRegularFile('loadSafetensorsFile', 'model.safetensors', 2 ** 31, 'maxBytes');
 * ```
 */
export async function readRegularFile(
  op: string,
  path: string,
  maxBytes: number,
  option = 'maxBytes',
): Promise<Uint8Array> {
  const handle = await open(path, OPEN_FLAGS).catch((error: unknown) => {
    throw openError(op, path, error);
  });
  try {
    const size = checkStats(op, path, await handle.stat(), maxBytes, option);
    const bytes = new Uint8Array(size);
    let read = 0;
    while (read < size) {
      const { bytesRead } = await handle.read(bytes, read, size - read, read);
      if (bytesRead === 0) throw shrunk(op, path, read, size);
      read += bytesRead;
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

/** {@link readRegularFile}, synchronously. @example `readRegularFileSync('readIdxFile', path, 2 ** 28)` */
export function readRegularFileSync(op: string, path: string, maxBytes: number, option = 'maxBytes'): Uint8Array {
  let descriptor: number;
  try {
    descriptor = openSync(path, OPEN_FLAGS);
  } catch (error) {
    throw openError(op, path, error);
  }
  try {
    const size = checkStats(op, path, fstatSync(descriptor), maxBytes, option);
    const bytes = new Uint8Array(size);
    let read = 0;
    while (read < size) {
      const bytesRead = readSync(descriptor, bytes, read, size - read, read);
      if (bytesRead === 0) throw shrunk(op, path, read, size);
      read += bytesRead;
    }
    return bytes;
  } finally {
    closeSync(descriptor);
  }
}

/** Checks a `maxBytes`-like option: a non-negative safe integer. */
export function checkByteLimit(op: string, option: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new Error(`${op}: ${option} must be a non-negative integer, got ${String(value)}`);
  return value;
}
