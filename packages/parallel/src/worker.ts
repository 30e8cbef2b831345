// Node worker entry (dist/worker.js): the step loop (step-loop.ts) calls its default export with
// each task. One task at a time per worker thread, so the barrier before the sharded update blocks
// the thread (NOTE(barrier) in sharded-update.ts). Keep it thin — the work is in replica.ts, which
// the browser's Web Worker entry shares.
import { runTask } from './replica.js';
import type { Done, WorkerTask } from './protocol.js';

export default function work(task: WorkerTask): Promise<Done> {
  return runTask(task, { barrier: 'blocking' });
}
