// Node worker side of PiscinaTransport: one piscina task per worker that serves step after step
// while training runs, instead of one piscina task per step (NOTE(step-loop)). Each step's task
// comes through a MessagePort, announced by a doorbell in shared memory (`Atomics.wait` between
// steps); the loop runs it with the worker entry's default export and answers on the port. Node
// only (dist/step-loop.js; from source, step-loop-source.mjs).
import { pathToFileURL } from 'node:url';
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { Done, WorkerTask } from './protocol.js';

/** Int32 word of a loop's control buffer: the loop's `LoopState`. */
export const LOOP_STATE = 0;
/** Int32 word of a loop's control buffer: the doorbell, rung once per task posted after the first. */
export const LOOP_BELL = 1;
/** Bytes of a loop's control buffer (`LOOP_STATE`, `LOOP_BELL`). */
export const LOOP_CONTROL_BYTES = 8;

/**
 * `LOOP_STATE` values. The loop sets IDLE before it answers a task, and STOPPED (from IDLE) when it
 * ends; the main thread claims an IDLE loop (IDLE → BUSY) after posting it a task, or else starts a
 * new loop — so exactly one of them wins when the loop ends just as a task comes.
 */
export const LoopState = { STOPPED: 0, IDLE: 1, BUSY: 2 } as const;

/** What the main thread sends to start a loop (the piscina task). */
export interface LoopStart {
  /** Absolute path of the worker entry whose default export runs one `WorkerTask`. */
  entry: string;
  /** The loop answers every task here, and receives the tasks after the first. */
  port: MessagePort;
  /** `LOOP_CONTROL_BYTES`: `LOOP_STATE` and `LOOP_BELL`. */
  control: SharedArrayBuffer;
  first: WorkerTask;
  /** How long to wait for the next task before the loop ends. */
  idleMilliseconds: number;
}

/** What a loop posts on its port for each task (an Error crosses threads with its class, message and stack). */
export type LoopAnswer = { result: Done } | { error: Error };

type Work = (task: WorkerTask) => Promise<Done> | Done;
const entries = new Map<string, Promise<Work>>();

function workOf(entry: string): Promise<Work> {
  let work = entries.get(entry);
  if (work === undefined) {
    work = import(pathToFileURL(entry).href).then((module: { default?: unknown }) => {
      if (typeof module.default !== 'function')
        throw new Error(`the worker entry ${entry} has no default export that runs a task`);
      return module.default as Work;
    });
    entries.set(entry, work);
  }
  return work;
}

/**
 * Runs tasks until none comes for `idleMilliseconds`; then marks the loop STOPPED and returns
 * (the piscina task ends, so an idle trainer keeps no thread busy and the process can exit).
 *
 * NOTE(step-loop): a piscina task per step costs a sizeable share of a small MLP step in dispatch
 * and return; a loop that stays in the worker and waits on a doorbell roughly halves both.
 * Spinning on the doorbell instead of blocking shortens the dispatch further but, with as many
 * spinning threads as cores, leaves the main thread no core to receive the answers, so the loop
 * blocks at once (figures: docs/performance.md, NOTE(step-loop)).
 */
export default async function serveSteps(start: LoopStart): Promise<void> {
  const { port, idleMilliseconds } = start;
  const words = new Int32Array(start.control);
  const work = await workOf(start.entry);
  let task: WorkerTask = start.first;
  let seen = Atomics.load(words, LOOP_BELL);
  for (;;) {
    const answer = await run(work, task);
    Atomics.store(words, LOOP_STATE, LoopState.IDLE); // before answering: the next step may follow at once
    port.postMessage(answer, transfers(answer));
    if (!waitForBell(words, seen, idleMilliseconds)) {
      if (Atomics.compareExchange(words, LOOP_STATE, LoopState.IDLE, LoopState.STOPPED) === LoopState.IDLE) {
        port.close();
        return;
      }
      // The main thread claimed this loop just now: its task is on the way.
      while (!waitForBell(words, seen, 1000));
    }
    seen = (seen + 1) | 0; // the shared Int32 wraps the same way
    const received = receiveMessageOnPort(port);
    if (received === undefined) throw new Error('step loop: the doorbell rang but no task arrived on the port');
    task = received.message as WorkerTask;
  }
}

/** Memory `copy`: the chunk gradients move to the main thread instead of being copied. */
function transfers(answer: LoopAnswer): ArrayBuffer[] {
  const gradients = 'result' in answer ? answer.result.gradients : null;
  return gradients === null || gradients === undefined ? [] : [gradients.buffer as ArrayBuffer];
}

async function run(work: Work, task: WorkerTask): Promise<LoopAnswer> {
  try {
    return { result: await work(task) };
  } catch (error) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/** True once the doorbell differs from `seen`; false after `idle` ms without. */
function waitForBell(words: Int32Array, seen: number, idle: number): boolean {
  const started = performance.now();
  for (;;) {
    if (Atomics.load(words, LOOP_BELL) !== seen) return true;
    const left = idle - (performance.now() - started);
    if (left <= 0) return false;
    Atomics.wait(words, LOOP_BELL, seen, left);
  }
}
