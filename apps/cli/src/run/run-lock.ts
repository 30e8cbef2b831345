// A run directory's lock: one backprop process at a time writes a run (train and --resume).
// Node-only; imports nothing of the CLI but its errors.
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { readRegularFileSync } from '@backprop/core/node';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { firstLine, usageError } from '../errors.js';

// NOTE(run-lock): the lock is a file, `.backprop.lock`, in the run directory, holding
// { pid, hostname, started, command } as JSON. It is published whole with link() (atomic; fails
// with EEXIST when the file exists), so nobody ever reads a half-written lock. A lock whose pid is
// no longer running on this host — a run killed with SIGKILL, a crashed machine, or our own pid
// reused in a fresh container — is stale: it is broken under a second lock, `.backprop.lock.break`,
// taken the same way, and read again first, so two runs that find the same stale lock cannot both
// break it (the second one finds the first one's live lock). A lock from another host cannot be
// checked and counts as held. The lock is released at exit: normally, on errors, on Ctrl-C (also
// the second one, through process.exit) and on a closed stdout.

/** The lock file's name in a run directory. */
export const LOCK_FILE = '.backprop.lock';
const BREAK_FILE = `${LOCK_FILE}.break`;
/** A lock file is a few dozen bytes; more is not ours. */
const MAX_LOCK_BYTES = 4096;

/** Who holds a run directory. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** ISO time the holder took the lock. */
  started: string;
  /** What it runs, e.g. `train` or `train --resume`. */
  command: string;
}

/** A held lock; `release()` is idempotent and also runs at process exit. */
export interface RunLock {
  readonly path: string;
  /** The stale holder whose lock was broken to take this one, if any (worth a notice). */
  readonly brokeStale: LockHolder | null;
  release(): void;
}

/**
 * Takes the lock of `directory` (which must exist) or throws a usage error naming the process
 * that holds it. `flag` is how the user named the directory (`--out runs/a`, `--resume runs/a`).
 *
 * @example
 * ```ts
 * const lock = acquireRunLock('runs/a', { flag: '--out runs/a', command: 'train' });
 * try { ... } finally { lock.release(); }
 * ```
 */
export function acquireRunLock(directory: string, options: { flag: string; command: string }): RunLock {
  const path = join(directory, LOCK_FILE);
  const mine: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    started: new Date().toISOString(),
    command: options.command,
  };
  const text = `${JSON.stringify(mine)}\n`;
  let brokeStale: LockHolder | null = null;
  // A round more than breaking one stale lock needs.
  for (let round = 0; round < 3; round++) {
    if (publish(path, text)) return holdLock(path, text, brokeStale);
    const holder = readHolder(path, options.flag);
    if (holder === null) continue; // released meanwhile
    if (isRunning(holder)) throw inUse(options.flag, holder, path);
    if (!breakStale(directory, holder, options.flag, text)) continue;
    brokeStale = holder;
  }
  const holder = readHolder(path, options.flag);
  throw inUse(options.flag, holder ?? mine, path);
}

function holdLock(path: string, text: string, brokeStale: LockHolder | null): RunLock {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    // Only our own lock: never one that replaced it (which a stale-breaker could only do if ours looked dead).
    try {
      if (new TextDecoder().decode(readRegularFileSync('lock', path, MAX_LOCK_BYTES)) === text) unlinkSync(path);
    } catch {
      // already gone
    }
  };
  process.on('exit', release);
  return { path, brokeStale, release };
}

/** Creates `path` holding `text` whole, or returns false when it exists. */
function publish(path: string, text: string): boolean {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const descriptor = openSync(temporary, 'wx');
  try {
    writeSync(descriptor, text);
  } finally {
    closeSync(descriptor);
  }
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}

/** The holder written in a lock file; null when the file is gone. */
function readHolder(path: string, flag: string): LockHolder | null {
  let text: string;
  try {
    // One descriptor for the check and the read (no lstat-then-read race): a regular file of at most MAX_LOCK_BYTES.
    text = new TextDecoder().decode(readRegularFileSync('lock', path, MAX_LOCK_BYTES));
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === 'ENOENT') return null;
    throw notALock(flag, path, `not a regular file of at most ${MAX_LOCK_BYTES} bytes`);
  }
  let holder: Partial<LockHolder>;
  try {
    holder = JSON.parse(text) as Partial<LockHolder>;
  } catch (error) {
    throw notALock(flag, path, firstLine(error));
  }
  if (
    typeof holder !== 'object' ||
    holder === null ||
    !Number.isSafeInteger(holder.pid) ||
    (holder.pid as number) <= 0 ||
    typeof holder.hostname !== 'string' ||
    typeof holder.started !== 'string' ||
    typeof holder.command !== 'string'
  ) {
    throw notALock(flag, path, 'expected { pid, hostname, started, command }');
  }
  return holder as LockHolder;
}

/** Whether the holder may still be running (another host's process cannot be checked: yes). */
function isRunning(holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return true;
  if (holder.pid === process.pid) return false; // our pid, reused: the lock is not ours (we take it only once)
  try {
    process.kill(holder.pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM'; // exists, owned by another user
  }
}

/** Removes a stale lock under the break lock; false when someone else is breaking it right now. */
function breakStale(directory: string, stale: LockHolder, flag: string, text: string): boolean {
  const breaker = join(directory, BREAK_FILE);
  if (!publish(breaker, text)) {
    const other = readHolder(breaker, flag);
    if (other !== null && !isRunning(other)) {
      throw usageError(
        `${flag}: a stale ${BREAK_FILE} of pid ${other.pid} (no longer running) is in the way; delete ${breaker} and start again`,
      );
    }
    return false;
  }
  try {
    const now = readHolder(join(directory, LOCK_FILE), flag);
    if (now !== null && JSON.stringify(now) === JSON.stringify(stale)) unlinkSync(join(directory, LOCK_FILE));
  } finally {
    unlinkSync(breaker);
  }
  return true;
}

function inUse(flag: string, holder: LockHolder, path: string) {
  const where =
    holder.hostname === hostname()
      ? `pid ${holder.pid}`
      : `pid ${holder.pid} on host ${firstLine(holder.hostname).slice(0, 80)}`;
  return usageError(
    `${flag} is in use by another backprop run (${where}, \`${firstLine(holder.command).slice(0, 80)}\` since ${firstLine(holder.started).slice(0, 40)}); ` +
      `wait for it to finish or stop it (kill -INT ${holder.pid}), or choose another directory; if no such run is going on, delete ${path}`,
  );
}

function notALock(flag: string, path: string, detail: string) {
  return usageError(
    `${flag}: ${path} is not a backprop lock (${detail}); if no backprop run uses this directory, delete it and start again`,
  );
}
