// The Node transport: a piscina pool of worker threads, each serving the trainer's tasks in a step
// loop (step-loop.ts) that runs the worker entry — dist/worker.js, or from source src/worker.ts
// (the loop's thread has tsx registered, see step-loop-source.mjs). Node only: never in index.ts.
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { LOOP_BELL, LOOP_CONTROL_BYTES, LOOP_STATE, LoopState, type LoopAnswer, type LoopStart } from './step-loop.js';
import { describeTaskChunks, type Done, type WorkerTask } from './protocol.js';
import { forWorker, type AppliedSetup, type TransportFactory, type WorkerTransport } from './transport.js';

/** Options of `PiscinaTransport`. */
export interface PiscinaTransportOptions {
  /**
   * Path of the worker entry (default: dist/worker.js, or src/worker.ts from source). Its default
   * export must run a `WorkerTask` like `src/worker.ts`; the tests use it to inject faults.
   */
  filename?: string;
  /** How long a thread's step loop waits for the next task before it ends (default 200 ms). */
  idleMilliseconds?: number;
}

/** One worker's loop as the main thread sees it. */
interface Slot {
  control: Int32Array;
  /** The running loop's port, or null when no loop runs (never started, ended idle, or died). */
  port: MessagePort | null;
  /** The task this slot runs, until its answer (or its loop's death) settles it. */
  pending: { task: WorkerTask; resolve: (result: Done) => void; reject: (error: Error) => void } | null;
  /** The Setup the loop's thread has (`forWorker`); a new loop may run on another thread, so it starts from none. */
  applied: AppliedSetup;
}

/**
 * A pool of up to `threads` piscina workers, started as tasks need them (a step of one chunk
 * starts one; NOTE(worker-cap) in limits.ts) and kept until `close`. Each
 * thread serves one loop (step-loop.ts): while steps follow one another, each task goes to a loop
 * through a MessagePort and a doorbell in shared memory, which costs less than a piscina task per
 * step (NOTE(step-loop)); a loop left idle for `idleMilliseconds` ends, and the next task starts a
 * new one.
 *
 * NOTE(thread-death): piscina rejects a loop whose thread exits (`process.exit`, an uncaught
 * error, `worker.terminate()`) as soon as the thread's 'exit' event fires; the loop's task is then
 * rejected with a message that says which chunks were lost, and the trainer closes the pool. Any
 * thread that exits before `close` — mid-task, or idle with or without a loop — marks the
 * transport failed, so the next `run` rejects: a run does not heal or fail depending on whether
 * piscina had already replaced the thread.
 */
export class PiscinaTransport implements WorkerTransport {
  /** Tasks run at once: one per thread. */
  readonly concurrency: number;
  readonly #pool: Piscina<LoopStart, void>;
  readonly #entry: string;
  readonly #idleMilliseconds: number;
  /** One per loop, added as more tasks run at once, up to `concurrency`. */
  readonly #slots: Slot[] = [];
  /** `run` calls waiting for a slot (only when more tasks than threads run at once); handed a slot, or null on close. */
  readonly #queue: Array<(slot: Slot | null) => void> = [];
  readonly #watched = new WeakSet<Worker>();
  #closing: Promise<void> | null = null;
  #failure: Error | null = null;
  #loopStarts = 0;

  constructor(threads: number, options: PiscinaTransportOptions = {}) {
    if (!Number.isSafeInteger(threads) || threads < 1)
      throw new Error(`PiscinaTransport: threads must be an integer ≥ 1, got ${String(threads)}`);
    this.concurrency = threads;
    // Loaded from source (vitest, tsx) this file ends in .ts; see NOTE(tsx-worker) in step-loop-source.mjs.
    const fromSource = import.meta.url.endsWith('.ts');
    const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
    this.#entry = options.filename ?? here(fromSource ? './worker.ts' : './worker.js');
    this.#idleMilliseconds = options.idleMilliseconds ?? 200;
    this.#pool = new Piscina<LoopStart, void>({
      filename: here(fromSource ? './step-loop-source.mjs' : './step-loop.js'),
      // NOTE(source-condition): from source, the thread resolves @backprop/core to its source too (the
      // `@backprop/source` export condition), as vitest and tsx do on the main thread: never a stale dist/.
      ...(fromSource ? { execArgv: [...workerExecArgv(process.execArgv), '--conditions=@backprop/source'] } : {}),
      // Piscina starts a thread whenever a task finds none free, up to maxThreads: every task of a
      // step gets a thread of its own at once, as the barrier needs (NOTE(barrier)).
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: 1,
    });
    this.#pool.on('error', (error: Error) => this.#fail(error));
    this.#pool.on('workerCreate', () => this.#watchThreads());
    this.#watchThreads();
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

  async run(task: WorkerTask): Promise<Done> {
    this.#refuseIfStopped();
    const slot =
      this.#slots.find((candidate) => candidate.pending === null) ??
      this.#newSlot() ??
      (await new Promise<Slot | null>((resume) => this.#queue.push(resume)));
    this.#refuseIfStopped();
    if (slot === null) throw new Error('PiscinaTransport: the pool is closed');
    return new Promise<Done>((resolve, reject) => {
      const port = slot.port;
      if (port !== null) {
        // Post first, claim second: a task that cannot be copied throws here and leaves the loop
        // unclaimed; a task posted to a loop that has just ended is never read (its port closes).
        try {
          const { message, applied } = forWorker(task, slot.applied);
          port.postMessage(message);
          slot.applied = applied;
        } catch (error) {
          this.#release(slot);
          reject(error as Error);
          return;
        }
      }
      slot.pending = { task, resolve, reject };
      if (
        port !== null &&
        Atomics.compareExchange(slot.control, LOOP_STATE, LoopState.IDLE, LoopState.BUSY) === LoopState.IDLE
      ) {
        port.ref();
        Atomics.add(slot.control, LOOP_BELL, 1);
        Atomics.notify(slot.control, LOOP_BELL);
      } else {
        this.#startLoop(slot, task);
      }
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#pool.destroy().finally(() => {
      for (const slot of this.#slots) slot.port?.close();
      for (const resume of this.#queue.splice(0)) resume(null);
    });
    return this.#closing;
  }

  /** A new slot while there are fewer than `concurrency`, else null. */
  #newSlot(): Slot | null {
    if (this.#slots.length >= this.concurrency) return null;
    const slot: Slot = {
      control: new Int32Array(new SharedArrayBuffer(LOOP_CONTROL_BYTES)),
      port: null,
      pending: null,
      applied: null,
    };
    this.#slots.push(slot);
    return slot;
  }

  #refuseIfStopped(): void {
    if (this.#closing !== null) throw new Error('PiscinaTransport: the pool is closed');
    if (this.#failure !== null) throw this.#failure;
  }

  /** Starts a loop for `slot` on whichever thread piscina has free, with `task` as its first. */
  #startLoop(slot: Slot, task: WorkerTask): void {
    const { port1, port2 } = new MessageChannel();
    this.#loopStarts++;
    slot.port?.close();
    slot.port = port1;
    Atomics.store(slot.control, LOOP_STATE, LoopState.BUSY);
    const current = () => slot.port === port1;
    port1.on('message', (answer: LoopAnswer) => {
      if (current()) this.#settle(slot, answer);
    });
    // The first task carries the Setup whatever the slot's last loop had: this loop may run on another thread.
    const first = forWorker(task, null);
    slot.applied = first.applied;
    const start: LoopStart = {
      entry: this.#entry,
      port: port2,
      control: slot.control.buffer as SharedArrayBuffer,
      first: first.message,
      idleMilliseconds: this.#idleMilliseconds,
    };
    // `as never`: piscina types `transferList` through a conditional type that a MessagePort does not satisfy.
    const ended = this.#pool.run(start, { transferList: [port2] as never });
    ended.then(
      () => this.#endLoop(slot, port1), // ended idle: a later task starts a new loop
      (error: unknown) => {
        const wasCurrent = current();
        this.#endLoop(slot, port1);
        const pending = slot.pending;
        if (!wasCurrent || pending === null) return; // a thread death also reaches #fail through its 'exit' event
        Atomics.store(slot.control, LOOP_STATE, LoopState.STOPPED);
        this.#release(slot);
        pending.reject(describeLoss(error, pending.task));
      },
    );
  }

  /**
   * A loop's piscina task has ended: its port goes, and the slot knows no loop runs (unless a newer
   * one does). NOTE(loop-end): the loop posts its last answer on its port just before it ends, and
   * piscina's word that the task ended comes on another port, which may be handled first — so an
   * answer can still wait in this port's queue; closing the port would drop it and leave its task
   * pending forever. It is taken out and settled first.
   */
  #endLoop(slot: Slot, port: MessagePort): void {
    for (let queued = receiveMessageOnPort(port); queued !== undefined; queued = receiveMessageOnPort(port)) {
      if (slot.port === port) this.#settle(slot, queued.message as LoopAnswer);
    }
    if (slot.port === port) slot.port = null;
    port.close();
  }

  /** A loop's answer to its slot's task. */
  #settle(slot: Slot, answer: LoopAnswer): void {
    const pending = slot.pending;
    if (pending === null) return;
    this.#release(slot);
    if ('result' in answer) pending.resolve(answer.result);
    else pending.reject(answer.error);
  }

  /**
   * Frees `slot`: hands it to the oldest waiting `run`, or marks it free. The port's `unref` is
   * insurance: while a loop runs, piscina's own reference keeps the process alive anyway.
   */
  #release(slot: Slot): void {
    const next = this.#queue.shift();
    if (next !== undefined) return next(slot);
    slot.pending = null;
    slot.port?.unref();
  }

  /** Watches every thread's exit (piscina replaces a thread that exits while idle without telling). */
  #watchThreads(): void {
    for (const thread of this.#pool.threads) {
      if (this.#watched.has(thread)) continue;
      this.#watched.add(thread);
      // After the current turn, so that a task lost with the thread is first rejected with its chunks.
      thread.once('exit', (code: number) =>
        setImmediate(() => this.#fail(new Error(`worker exited with code: ${code}`))),
      );
    }
  }

  #fail(error: Error): void {
    if (this.#closing !== null) return;
    const code = exitCodeOf(error);
    const what = code === null ? `failed (${error.message})` : `exited (code ${code})`;
    this.#failure ??= new Error(`PiscinaTransport: a worker thread ${what}; close this trainer and start a new one`, {
      cause: error,
    });
  }
}

/** The Node options about loading modules, which a source-mode thread needs as the main thread has them. */
const MODULE_OPTIONS = new Set([
  '--conditions',
  '-C',
  '--import',
  '--require',
  '-r',
  '--loader',
  '--experimental-loader',
]);

/**
 * The main thread's module-loading options (export conditions, `--import`/`--require`/`--loader`
 * hooks), each with its value, for a worker's `execArgv`. Nothing else: a worker given `execArgv`
 * refuses V8 flags such as `--single-threaded-gc` or `--max-old-space-size`
 * (ERR_WORKER_INVALID_EXEC_ARGV), and they apply to every thread of the process anyway.
 *
 * @example
 * ```ts
 * workerExecArgv(['--single-threaded-gc', '--import', 'tsx', '--conditions=dev']); // ['--import', 'tsx', '--conditions=dev']
 * ```
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let index = 0; index < execArgv.length; index++) {
    const arg = execArgv[index]!;
    if (!MODULE_OPTIONS.has(arg.split('=', 1)[0]!)) continue;
    kept.push(arg);
    const value = execArgv[index + 1];
    if (!arg.includes('=') && value !== undefined) {
      kept.push(value);
      index++;
    }
  }
  return kept;
}

/** The exit code in piscina's "worker exited with code: N", or null for another error. */
function exitCodeOf(error: unknown): string | null {
  return error instanceof Error ? (/^worker exited with code: (-?\d+)/.exec(error.message)?.[1] ?? null) : null;
}

/** Piscina's rejection of a loop whose thread exited, reworded to say which chunks were lost. */
function describeLoss(error: unknown, task: WorkerTask): Error {
  const code = exitCodeOf(error);
  if (code === null) return error instanceof Error ? error : new Error(String(error));
  return new Error(`a worker thread exited (code ${code}) while running ${describeTaskChunks(task)}`, { cause: error });
}

/** The transport factory `DataParallelTrainer` uses in Node. */
export const piscinaTransport: TransportFactory = (threads) => new PiscinaTransport(threads);
