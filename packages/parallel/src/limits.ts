// The trainer's limits: how many worker threads it may start, and how long a step or close() may
// wait for them. Shared by Node and the browser: must not import node:* modules.

/** What a trainer knows about its worker count: asked for, allowed, and used at most. */
export interface WorkerLimit {
  /** The `workers` option as given. */
  requested: number;
  /** The cap: the `maxWorkers` option, by default the cores; null when neither is known (no cap). */
  maxWorkers: number | null;
  /** min(requested, maxWorkers): the most threads any step can use. */
  workers: number;
}

/** `navigator.hardwareConcurrency` where there is one (browsers, Node ≥ 21), else null. */
export function hardwareConcurrency(): number | null {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: unknown } }).navigator?.hardwareConcurrency;
  return typeof cores === 'number' && Number.isInteger(cores) && cores >= 1 ? cores : null;
}

/**
 * Caps the requested worker count by `maxWorkers` (default: `cores`).
 *
 * NOTE(worker-cap): a thread beyond the cores only competes for them, and a step never uses more
 * threads than it has chunks (`assignChunks`), so the trainer caps the count here, where the cores
 * are known, and the transports start threads lazily, only when a step has a task for them — the
 * chunk count varies from step to step (the last batch of an epoch, a larger evaluation batch),
 * so the constructor cannot know it. Either cap is free to apply: chunks and their reduction order
 * depend on the batch size and chunkSize only, so the bits do not depend on how many threads run.
 *
 * @example
 * ```ts
 * workerLimit(1000, undefined, 2); // { requested: 1000, maxWorkers: 2, workers: 2 }
 * ```
 */
export function workerLimit(requested: unknown, maxWorkers: unknown, cores: number | null): WorkerLimit {
  if (!Number.isSafeInteger(requested) || (requested as number) < 1) {
    throw new Error(`DataParallelTrainer: workers must be an integer ≥ 1, got ${describeNumber(requested)}`);
  }
  if (maxWorkers !== undefined && (!Number.isSafeInteger(maxWorkers) || (maxWorkers as number) < 1)) {
    throw new Error(`DataParallelTrainer: maxWorkers must be an integer ≥ 1, got ${describeNumber(maxWorkers)}`);
  }
  const cap = (maxWorkers as number | undefined) ?? cores;
  return {
    requested: requested as number,
    maxWorkers: cap,
    workers: cap === null ? (requested as number) : Math.min(requested as number, cap),
  };
}

/**
 * A timeout option: a number > 0 (`Infinity`: no timeout), or `fallback` when left out.
 *
 * @example
 * ```ts
 * checkTimeout('DataParallelTrainer.step', 'timeoutMilliseconds', undefined, Infinity); // Infinity
 * ```
 */
export function checkTimeout(where: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new Error(
      `${where}: ${name} must be a number of milliseconds > 0 (Infinity: no timeout), got ${describeNumber(value)}`,
    );
  }
  return value;
}

/**
 * Resolves with `work`'s value, or with `expired` once `milliseconds` have passed (never, for
 * `Infinity`). The timer is cleared as soon as `work` settles, so it keeps no process alive.
 */
export async function withTimeout<T, E>(work: Promise<T>, milliseconds: number, expired: E): Promise<T | E> {
  if (milliseconds === Number.POSITIVE_INFINITY) return work;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // setTimeout takes at most 2^31 − 1 ms; a longer timeout is as good as none.
  const deadline = new Promise<E>(
    (resolve) => (timer = setTimeout(() => resolve(expired), Math.min(milliseconds, 2 ** 31 - 1))),
  );
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A value for an error message, cut to 80 characters. */
function describeNumber(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
