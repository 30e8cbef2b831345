// The Node transport: a piscina pool of worker threads running dist/worker.js (or, from source in
// tests, src/worker-source.mjs, which loads src/worker.ts through tsx). Node only: never in index.ts.
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { describeTaskChunks, type TransportFactory, type WorkerTask, type WorkerTaskResult, type WorkerTransport } from './transport.js';

/** Options of `PiscinaTransport`. */
export interface PiscinaTransportOptions {
  /**
   * Path of the worker entry (default: dist/worker.js, or src/worker-source.mjs from source). Its
   * default export must run a `WorkerTask` like `src/worker.ts`; the tests use it to inject faults.
   */
  filename?: string;
}

/**
 * A fixed pool of `threads` piscina workers (they start at once and stay until `close`).
 *
 * NOTE(thread-death): piscina rejects the tasks of a thread that exits (`process.exit`, an uncaught
 * error, `worker.terminate()`) as soon as the thread's 'exit' event fires; `run` rewords that
 * rejection to say which chunks were lost, and the trainer then closes the pool. A thread that dies
 * while idle is remembered and fails the next `run`, instead of crashing the process through an
 * unhandled 'error' event.
 */
export class PiscinaTransport implements WorkerTransport {
  /** Tasks run at once: one per thread. */
  readonly concurrency: number;
  readonly #pool: Piscina<WorkerTask, WorkerTaskResult>;
  #closing: Promise<void> | null = null;
  #idleFailure: Error | null = null;

  constructor(threads: number, options: PiscinaTransportOptions = {}) {
    // Loaded from source (vitest, tsx) this file ends in .ts; see NOTE(tsx-worker) in worker-source.mjs.
    this.concurrency = threads;
    const fromSource = import.meta.url.endsWith('.ts');
    const filename = options.filename ?? fileURLToPath(new URL(fromSource ? './worker-source.mjs' : './worker.js', import.meta.url));
    this.#pool = new Piscina<WorkerTask, WorkerTaskResult>({
      filename,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: 1,
    });
    this.#pool.on('error', (error: Error) => {
      this.#idleFailure ??= new Error(`PiscinaTransport: a worker thread failed while idle: ${error.message}`, { cause: error });
    });
  }

  /** Threads currently alive (0 after `close`). */
  get threadCount(): number {
    return this.#pool.threads.length;
  }

  /** The live worker threads (for monitoring; the tests terminate one to check fault handling). */
  get threads(): readonly Worker[] {
    return this.#pool.threads;
  }

  async run(task: WorkerTask): Promise<WorkerTaskResult> {
    if (this.#closing !== null) throw new Error('PiscinaTransport: the pool is closed');
    if (this.#idleFailure !== null) throw this.#idleFailure;
    try {
      return await this.#pool.run(task);
    } catch (error) {
      const exit = error instanceof Error ? /^worker exited with code: (-?\d+)/.exec(error.message) : null;
      if (exit === null) throw error;
      throw new Error(
        `a worker thread exited (code ${exit[1]}) while running ${describeTaskChunks(task)}`,
        { cause: error },
      );
    }
  }

  close(): Promise<void> {
    this.#closing ??= this.#pool.destroy();
    return this.#closing;
  }
}

/** The transport factory `DataParallelTrainer` uses in Node. */
export const piscinaTransport: TransportFactory = (threads) => new PiscinaTransport(threads);
