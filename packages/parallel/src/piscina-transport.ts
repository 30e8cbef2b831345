// The Node transport: a piscina pool of worker threads, each serving the trainer's tasks in a step
// loop (step-loop.ts) that runs the worker entry — dist/worker.js, or from source in tests
// src/worker-source.mjs, which loads src/worker.ts through tsx. Node only: never in index.ts.
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { LOOP_BELL, LOOP_CONTROL_BYTES, LOOP_STATE, LoopState, type LoopAnswer, type LoopStart } from './step-loop.js';
import { describeTaskChunks, type TransportFactory, type WorkerTask, type WorkerTaskResult, type WorkerTransport } from './transport.js';

/** Options of `PiscinaTransport`. */
export interface PiscinaTransportOptions {
  /**
   * Path of the worker entry (default: dist/worker.js, or src/worker-source.mjs from source). Its
   * default export must run a `WorkerTask` like `src/worker.ts`; the tests use it to inject faults.
   */
  filename?: string;
}

/** How long a loop waits for the next task at all before its piscina task ends. */
const IDLE_MILLISECONDS = 200;

/** One worker's loop as the main thread sees it. */
interface Slot {
  control: Int32Array;
  /** The running loop's port, or null when no loop runs (never started, ended idle, or died). */
  port: MessagePort | null;
  /** The task this slot runs, until its answer (or its loop's death) settles it. */
  pending: { task: WorkerTask; resolve: (result: WorkerTaskResult) => void; reject: (error: Error) => void } | null;
}

/**
 * A fixed pool of `threads` piscina workers (they start at once and stay until `close`). Each
 * thread serves one loop (step-loop.ts): while steps follow one another, each task goes to a loop
 * through a MessagePort and a doorbell in shared memory, which costs less than a piscina task per
 * step (NOTE(step-loop)); a loop left idle for 200 ms ends, and the next task starts a new one.
 *
 * NOTE(thread-death): piscina rejects a loop whose thread exits (`process.exit`, an uncaught
 * error, `worker.terminate()`) as soon as the thread's 'exit' event fires; the loop's task is then
 * rejected with a message that says which chunks were lost, and the trainer closes the pool. A
 * thread that dies while idle is remembered and fails the next `run`, instead of crashing the
 * process through an unhandled 'error' event.
 */
export class PiscinaTransport implements WorkerTransport {
  /** Tasks run at once: one per thread. */
  readonly concurrency: number;
  readonly #pool: Piscina<LoopStart, void>;
  readonly #entry: string;
  readonly #slots: Slot[];
  /** Tasks waiting for a free slot (only when more tasks than threads are run at once). */
  readonly #queue: Array<() => void> = [];
  #closing: Promise<void> | null = null;
  #idleFailure: Error | null = null;
  #loopStarts = 0;

  constructor(threads: number, options: PiscinaTransportOptions = {}) {
    this.concurrency = threads;
    // Loaded from source (vitest, tsx) this file ends in .ts; see NOTE(tsx-worker) in worker-source.mjs.
    const fromSource = import.meta.url.endsWith('.ts');
    const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
    this.#entry = options.filename ?? here(fromSource ? './worker-source.mjs' : './worker.js');
    this.#pool = new Piscina<LoopStart, void>({
      filename: here(fromSource ? './step-loop-source.mjs' : './step-loop.js'),
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: 1,
    });
    this.#pool.on('error', (error: Error) => this.#failIdle(error));
    this.#slots = Array.from({ length: threads }, () => ({ control: new Int32Array(new SharedArrayBuffer(LOOP_CONTROL_BYTES)), port: null, pending: null }));
  }

  /** Threads currently alive (0 after `close`). */
  get threadCount(): number {
    return this.#pool.threads.length;
  }

  /** The live worker threads (for monitoring; the tests terminate one to check fault handling). */
  get threads(): readonly Worker[] {
    return this.#pool.threads;
  }

  /** How many step loops have started: one per thread, and one more after every idle pause (monitoring, tests). */
  get loopStarts(): number {
    return this.#loopStarts;
  }

  async run(task: WorkerTask): Promise<WorkerTaskResult> {
    if (this.#closing !== null) throw new Error('PiscinaTransport: the pool is closed');
    if (this.#idleFailure !== null) throw this.#idleFailure;
    let slot = this.#slots.find((candidate) => candidate.pending === null);
    while (slot === undefined) {
      await new Promise<void>((resume) => this.#queue.push(resume));
      if (this.#closing !== null) throw new Error('PiscinaTransport: the pool is closed');
      slot = this.#slots.find((candidate) => candidate.pending === null);
    }
    const claimed = slot;
    return new Promise<WorkerTaskResult>((resolve, reject) => {
      claimed.pending = { task, resolve, reject };
      if (claimed.port !== null && Atomics.compareExchange(claimed.control, LOOP_STATE, LoopState.IDLE, LoopState.BUSY) === LoopState.IDLE) {
        claimed.port.ref();
        claimed.port.postMessage(task);
        Atomics.add(claimed.control, LOOP_BELL, 1);
        Atomics.notify(claimed.control, LOOP_BELL);
      } else {
        this.#startLoop(claimed, task);
      }
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#pool.destroy().finally(() => {
      for (const slot of this.#slots) slot.port?.close();
      for (const resume of this.#queue.splice(0)) resume();
    });
    return this.#closing;
  }

  /** Starts a loop for `slot` on whichever thread piscina has free, with `task` as its first. */
  #startLoop(slot: Slot, task: WorkerTask): void {
    const { port1, port2 } = new MessageChannel();
    this.#loopStarts++;
    slot.port?.close();
    slot.port = port1;
    Atomics.store(slot.control, LOOP_STATE, LoopState.BUSY);
    port1.on('message', (answer: LoopAnswer) => this.#settle(slot, answer));
    const start: LoopStart = {
      entry: this.#entry,
      port: port2,
      control: slot.control.buffer as SharedArrayBuffer,
      first: task,
      idleMilliseconds: IDLE_MILLISECONDS,
    };
    this.#pool.run(start, { transferList: [port2] as never }).then(
      () => {
        // The loop ended idle: a later task starts a new one.
        if (slot.port === port1) slot.port = null;
        port1.close();
      },
      (error: unknown) => {
        if (slot.port === port1) slot.port = null;
        port1.close();
        Atomics.store(slot.control, LOOP_STATE, LoopState.STOPPED);
        const pending = slot.pending;
        if (pending === null) return this.#closing === null ? this.#failIdle(error) : undefined;
        this.#release(slot);
        pending.reject(describeLoss(error, pending.task));
      },
    );
  }

  /** A loop's answer to its slot's task. */
  #settle(slot: Slot, answer: LoopAnswer): void {
    const pending = slot.pending;
    if (pending === null) return;
    this.#release(slot);
    if ('result' in answer) pending.resolve(answer.result);
    else pending.reject(Object.assign(new Error(answer.error.message), { name: answer.error.name, stack: answer.error.stack }));
  }

  /** Frees `slot` for the next task; an idle loop's port must not keep the process alive. */
  #release(slot: Slot): void {
    slot.pending = null;
    slot.port?.unref();
    this.#queue.shift()?.();
  }

  #failIdle(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const exit = /^worker exited with code: (-?\d+)/.exec(message);
    const what = exit === null ? `failed (${message})` : `exited (code ${exit[1]})`;
    this.#idleFailure ??= new Error(`PiscinaTransport: a worker thread ${what} between tasks; close this trainer and start a new one`, { cause: error });
  }
}

/** Piscina's rejection of a loop whose thread exited, reworded to say which chunks were lost. */
function describeLoss(error: unknown, task: WorkerTask): Error {
  const exit = error instanceof Error ? /^worker exited with code: (-?\d+)/.exec(error.message) : null;
  if (exit === null) return error instanceof Error ? error : new Error(String(error));
  return new Error(`a worker thread exited (code ${exit[1]}) while running ${describeTaskChunks(task)}`, { cause: error });
}

/** The transport factory `DataParallelTrainer` uses in Node. */
export const piscinaTransport: TransportFactory = (threads) => new PiscinaTransport(threads);
