// Decoding an image folder's files on several threads (a piscina pool running decode-worker.ts),
// each into its own slot of one shared output, so the result does not depend on which thread
// decoded what. Node-only (piscina, node:os, node:url).
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { DecodeOutcome, DecodeTask } from './decode-worker.js';
import type { ImageTensorOptions } from './image-tensor.js';

/** Most threads used when `threads` is not given: beyond this the disk, not the decoders, sets the pace. */
export const DEFAULT_MAX_DECODE_THREADS = 8;
/** Files per task sent to a thread: large enough that messages cost little, small enough for even shares and live progress. */
const FILES_PER_TASK = 16;

/** The threads to decode with by default: every core, at most {@link DEFAULT_MAX_DECODE_THREADS}. */
export function defaultDecodeThreads(): number {
  return Math.min(availableParallelism(), DEFAULT_MAX_DECODE_THREADS);
}

/** Options of {@link decodeInParallel}. */
export interface ParallelDecodeOptions {
  readonly threads: number;
  /** Floats per image (C × H × W). */
  readonly size: number;
  readonly tensor: ImageTensorOptions;
  readonly maxPixels: number;
  readonly maxFileBytes: number;
  /** Stop sending files once one fails (without skipBad, the first bad file ends the load). */
  readonly stopAtFirstBad: boolean;
  /** Called with the files done so far, after each task. */
  readonly onDone?: (done: number) => void;
}

/**
 * Decodes `paths[i]` into slot i of a shared float32 output (`paths.length × size` floats) on
 * `threads` threads. `outcomes[i]` is null for a decoded file, the ImageError's parts for a bad
 * one, and undefined for a file never sent (only after a bad file with `stopAtFirstBad`: files are
 * sent in order, so every file before a bad one has its outcome).
 *
 * NOTE(parallel-decode): a file's bytes, its decoding and its resizing are exactly those of
 * `loadImageSync`, in a worker thread instead of the caller's; each file writes only its own slot of
 * a SharedArrayBuffer (nothing is copied back, nothing is transferred), so the output is the same,
 * bit for bit, whatever the threads and their timing. At most two tasks per thread are in flight, and
 * each thread decodes one file at a time: memory is the output plus one file's decoding per thread.
 *
 * @example
 * ```ts
 * const { output, outcomes } = await decodeInParallel(['a/1.png', 'b/2.jpg'], { threads: 2, size: 3072, tensor: { width: 32, height: 32, color: 'rgb' }, maxPixels: 5e7, maxFileBytes: 2 ** 26, stopAtFirstBad: true });
 * ```
 */
export async function decodeInParallel(
  paths: readonly string[],
  options: ParallelDecodeOptions,
): Promise<{ output: Float32Array; outcomes: Array<DecodeOutcome | undefined> }> {
  const shared = new SharedArrayBuffer(paths.length * options.size * 4);
  const outcomes = new Array<DecodeOutcome | undefined>(paths.length);
  // Loaded from source (vitest, tsx) this file ends in .ts: see decode-worker-source.mjs.
  const fromSource = import.meta.url.endsWith('.ts');
  const pool = new Piscina<DecodeTask, DecodeOutcome[]>({
    filename: fileURLToPath(new URL(fromSource ? './decode-worker-source.mjs' : './decode-worker.js', import.meta.url)),
    minThreads: options.threads,
    maxThreads: options.threads,
    concurrentTasksPerWorker: 1,
  });
  let next = 0;
  let done = 0;
  let stop = false;
  let failure: unknown = null;
  const lane = async (): Promise<void> => {
    while (!stop && next < paths.length) {
      const first = next;
      next = Math.min(paths.length, first + FILES_PER_TASK);
      const slots = Array.from({ length: next - first }, (_, i) => first + i);
      try {
        const results = await pool.run({
          paths: paths.slice(first, next),
          slots,
          output: shared,
          size: options.size,
          tensor: options.tensor,
          maxPixels: options.maxPixels,
          maxFileBytes: options.maxFileBytes,
        });
        results.forEach((outcome, i) => (outcomes[first + i] = outcome));
        if (options.stopAtFirstBad && results.some((outcome) => outcome !== null)) stop = true;
        done += results.length;
        options.onDone?.(done);
      } catch (error) {
        failure ??= error;
        stop = true;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: 2 * options.threads }, lane));
  } finally {
    await pool.destroy();
  }
  if (failure !== null) throw failure;
  return { output: new Float32Array(shared), outcomes };
}
