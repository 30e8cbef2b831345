// The transport between the trainer and its worker threads: Node (piscina, piscina-transport.ts) and
// the browser (Web Workers + comlink, browser-transport.ts) implement it. What travels is in
// protocol.ts. Must not import node:* modules.
import type { Done, WorkerTask } from './protocol.js';

/**
 * A pool of worker threads that run `WorkerTask`s. `run` may use any idle worker: replicas are
 * keyed by session, so which thread runs a task never changes the result. The trainer gives every
 * task the current Setup; a transport passes it on to a worker that has not applied that version
 * yet and drops it otherwise (`forWorker`), so a Setup crosses to each worker once.
 */
export interface WorkerTransport {
  /**
   * How many tasks run at the same time (the threads). The tasks of a training step wait for one
   * another before their sharded update, so the trainer shards only when all of a step's tasks fit;
   * otherwise (and when this is left out: one at a time) the main thread reduces and updates. Give
   * each trainer a transport of its own: two trainers stepping at once on one pool could each hold
   * a thread the other's tasks wait for.
   */
  readonly concurrency?: number;
  run(task: WorkerTask): Promise<Done>;
  /** Stops every thread; idempotent. */
  close(): Promise<void>;
}

/** Starts a transport with `threads` workers (called on the first step, after all validation). */
export type TransportFactory = (threads: number) => WorkerTransport;

/** Which Setup a worker has applied: `session:version`, or null for none. */
export type AppliedSetup = string | null;

/**
 * The task as a worker that has applied `applied` needs it — without its Setup when that is the
 * same version — and what the worker has applied once it gets it.
 *
 * @example
 * ```ts
 * const { message, applied } = forWorker(task, slot.applied);
 * port.postMessage(message);
 * slot.applied = applied;
 * ```
 */
export function forWorker(task: WorkerTask, applied: AppliedSetup): { message: WorkerTask; applied: AppliedSetup } {
  if (task.setup === null) return { message: task, applied };
  const key = `${task.setup.session}:${task.setup.version}`;
  return { message: key === applied ? { ...task, setup: null } : task, applied: key };
}
