// The worker side of the browser pool: a Web Worker module calls `exposeReplica()` and then runs
// `runTask` (replica.ts) for the trainer through comlink. Must not import node:* modules.
import * as Comlink from 'comlink';
import type { ReplicaWorkerApi } from './browser-transport.js';
import { runTask } from './replica.js';
import type { Done, WorkerTask } from './protocol.js';

/**
 * Serves `runTask` over comlink on `endpoint` (default: the worker's own global scope). Call it
 * once, at the top level of the worker module the app's `WorkerFactory` starts. In memory `copy`
 * the chunk gradients go back by transfer (moved, not copied a second time).
 *
 * @example
 * ```ts
 * // replica.worker.ts, started by () => new Worker(new URL('./replica.worker.ts', import.meta.url), { type: 'module' })
 * import { exposeReplica } from '@backprop/parallel/browser';
 * exposeReplica();
 * ```
 */
export function exposeReplica(endpoint?: Comlink.Endpoint): void {
  const api: ReplicaWorkerApi = {
    async runTask(task: WorkerTask): Promise<Done> {
      const done = await runTask(task);
      return done.gradients === null ? done : Comlink.transfer(done, [done.gradients.buffer]);
    },
  };
  Comlink.expose(api, endpoint);
}
