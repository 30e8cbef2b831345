// Piscina worker entry (dist/worker.js): one task per step per worker. Keep it thin — the work is in
// replica.ts, which a browser Web Worker entry will share.
import { runTask } from './replica.js';
import type { WorkerTask, WorkerTaskResult } from './transport.js';

export default function work(task: WorkerTask): Promise<WorkerTaskResult> {
  return runTask(task);
}
