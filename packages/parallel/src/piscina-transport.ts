// The Node transport: a piscina pool of worker threads running dist/worker.js (or, from source in
// tests, src/worker-source.mjs, which loads src/worker.ts through tsx). Node only: never in index.ts.
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { TransportFactory, WorkerTask, WorkerTaskResult, WorkerTransport } from './transport.js';

/** A fixed pool of `threads` piscina workers (they start at once and stay until `close`). */
export class PiscinaTransport implements WorkerTransport {
  readonly #pool: Piscina<WorkerTask, WorkerTaskResult>;
  #closing: Promise<void> | null = null;

  constructor(threads: number) {
    // Loaded from source (vitest, tsx) this file ends in .ts; see NOTE(tsx-worker) in worker-source.mjs.
    const fromSource = import.meta.url.endsWith('.ts');
    const filename = fileURLToPath(new URL(fromSource ? './worker-source.mjs' : './worker.js', import.meta.url));
    this.#pool = new Piscina<WorkerTask, WorkerTaskResult>({
      filename,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: 1,
    });
  }

  /** Threads currently alive (0 after `close`). */
  get threadCount(): number {
    return this.#pool.threads.length;
  }

  run(task: WorkerTask): Promise<WorkerTaskResult> {
    if (this.#closing !== null) return Promise.reject(new Error('PiscinaTransport: the pool is closed'));
    return this.#pool.run(task);
  }

  close(): Promise<void> {
    this.#closing ??= this.#pool.destroy();
    return this.#closing;
  }
}

/** The transport factory `DataParallelTrainer` uses in Node. */
export const piscinaTransport: TransportFactory = (threads) => new PiscinaTransport(threads);
