// The browser transport: a fixed pool of Web Workers, each running `runTask` (replica.ts) behind
// comlink (see browser-worker.ts). Must not import node:* modules nor rely on DOM typings.
import * as Comlink from 'comlink';
import { describeTaskChunks, type Done, type WorkerTask } from './protocol.js';
import { forWorker, type AppliedSetup, type WorkerTransport } from './transport.js';

/**
 * What the transport needs of a Web Worker: a comlink endpoint (postMessage + message events)
 * that also fires 'error' (an uncaught error or a failed module load) and can be terminated.
 * A `Worker` is one; tests use a MessagePort dressed up as one.
 */
export interface WorkerLike extends Comlink.Endpoint {
  terminate(): void;
}

/** Starts one worker whose module calls `exposeReplica()`; the app writes it so that its bundler sees the worker. */
export type WorkerFactory = () => WorkerLike;

/** The API a replica worker exposes through comlink. */
export interface ReplicaWorkerApi {
  runTask(task: WorkerTask): Done | Promise<Done>;
}

interface Slot {
  worker: WorkerLike;
  remote: Comlink.Remote<ReplicaWorkerApi>;
  /** Rejects the task this worker is running, when it fails underneath it. */
  abort: ((error: Error) => void) | null;
  /** The Setup this worker has (`forWorker`). */
  applied: AppliedSetup;
}

/**
 * A pool of up to `threads` Web Workers, started as tasks need them (a step of one chunk starts
 * one; NOTE(worker-cap) in limits.ts), one task per worker at a time.
 *
 * NOTE(worker-error): a Web Worker has no 'exit' event; what it has is 'error' (an uncaught error
 * in the worker, or a module that fails to load) and 'messageerror'. Either rejects the task the
 * worker is running at once (comlink alone would wait for an answer forever), and the tasks of the
 * other workers too (the step has failed; waiting for them could hang on a second broken worker),
 * marks the pool
 * failed so later `run`s reject, and is `preventDefault`ed so it does not also surface as an
 * uncaught error of the page. The trainer then closes the pool. A worker closed from inside
 * (`self.close()`) fires nothing: that case is not detected.
 *
 * @example
 * ```ts
 * const createWorker = () => new Worker(new URL('./replica.worker.ts', import.meta.url), { type: 'module' });
 * const trainer = new ParallelTrainer({ ...options, workers: 2, transport: (threads) => new WebWorkerTransport(threads, createWorker) });
 * ```
 */
export class WebWorkerTransport implements WorkerTransport {
  /** Tasks run at once: one per worker. */
  readonly concurrency: number;
  readonly #slots: Slot[] = [];
  readonly #idle: Slot[] = [];
  readonly #createWorker: WorkerFactory;
  /** Runs waiting for an idle worker, first come first served. */
  readonly #waiting: Array<{ resolve: (slot: Slot) => void; reject: (error: Error) => void }> = [];
  #failure: Error | null = null;
  #closed = false;

  constructor(threads: number, createWorker: WorkerFactory) {
    if (!Number.isInteger(threads) || threads < 1)
      throw new Error(`WebWorkerTransport: threads must be an integer ≥ 1, got ${String(threads)}`);
    if (typeof createWorker !== 'function')
      throw new Error('WebWorkerTransport: createWorker must be a function () => Worker');
    this.concurrency = threads;
    this.#createWorker = createWorker;
  }

  /** Workers started so far (0 after `close`). */
  get threadCount(): number {
    return this.#closed ? 0 : this.#slots.length;
  }

  async run(task: WorkerTask): Promise<Done> {
    const slot = await this.#acquire();
    try {
      return await new Promise<Done>((resolve, reject) => {
        const what = describeTaskChunks(task);
        slot.abort = (error) => reject(new Error(`${error.message} while running ${what}`, { cause: error }));
        const { message, applied } = forWorker(task, slot.applied);
        slot.applied = applied;
        slot.remote.runTask(message).then(resolve, reject);
      });
    } finally {
      slot.abort = null;
      this.#release(slot);
    }
  }

  /** Terminates every worker; idempotent. Runs still waiting for a worker reject. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      for (const slot of this.#slots) {
        slot.remote[Comlink.releaseProxy]();
        slot.worker.terminate();
        slot.abort?.(new Error('WebWorkerTransport: the pool was closed'));
      }
      this.#idle.length = 0;
      for (const waiter of this.#waiting.splice(0)) waiter.reject(new Error('WebWorkerTransport: the pool is closed'));
    }
    return Promise.resolve();
  }

  #acquire(): Promise<Slot> {
    if (this.#closed) return Promise.reject(new Error('WebWorkerTransport: the pool is closed'));
    if (this.#failure !== null) return Promise.reject(this.#failure);
    const slot = this.#idle.pop();
    if (slot !== undefined) return Promise.resolve(slot);
    if (this.#slots.length < this.concurrency) {
      try {
        return Promise.resolve(this.#startWorker());
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /** Starts one more worker (NOTE(worker-error) for its events). */
  #startWorker(): Slot {
    const index = this.#slots.length;
    const worker = this.#createWorker();
    const slot: Slot = { worker, remote: Comlink.wrap<ReplicaWorkerApi>(worker), abort: null, applied: null };
    const onFailure = (event: unknown) => this.#onWorkerFailure(slot, index, event);
    worker.addEventListener('error', onFailure);
    worker.addEventListener('messageerror', onFailure);
    this.#slots.push(slot);
    return slot;
  }

  #release(slot: Slot): void {
    if (this.#closed) return;
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) waiter.resolve(slot);
    else this.#idle.push(slot);
  }

  #onWorkerFailure(slot: Slot, index: number, event: unknown): void {
    const { type, message, preventDefault } = (event ?? {}) as {
      type?: string;
      message?: unknown;
      preventDefault?: () => void;
    };
    preventDefault?.call(event);
    const what = type === 'messageerror' ? 'could not read a message' : 'failed';
    const detail =
      typeof message === 'string' && message !== ''
        ? `: ${message}`
        : ' (no message: often a worker module that failed to load)';
    const error = new Error(`Web Worker ${index} ${what}${detail}`);
    this.#failure ??= error;
    slot.abort?.(error);
    // The step has failed: the other workers' answers would be thrown away, so do not wait for them.
    for (const other of this.#slots)
      if (other !== slot) other.abort?.(new Error(`${error.message} (the pool stopped)`, { cause: error }));
    for (const waiter of this.#waiting.splice(0)) waiter.reject(error);
  }
}
