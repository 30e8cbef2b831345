// --json: one JSON object per line on stdout for machines, `{"event": "...", ...}`. Batch progress
// is sent at most once a second (and at each epoch's end) so logs stay small.
import { writeStdout } from './stdout-closed.js';
import type { BatchProgress, EpochEnd, EpochStart, Interrupted, Reporter, TrainDone, TrainStart } from './reporter.js';

/** Emits `{ event, ...fields }` lines: start, epochStart, progress, epoch, notice, interrupted, done. */
export class JsonReporter implements Reporter {
  #lastProgress = 0;

  #emit(event: string, fields: object): void {
    writeStdout(`${JSON.stringify({ event, ...fields })}\n`);
  }

  start(event: TrainStart): void {
    this.#emit('start', event);
  }
  epochStart(event: EpochStart): void {
    this.#emit('epochStart', event);
  }
  batch(event: BatchProgress): void {
    const now = performance.now();
    if (now - this.#lastProgress < 1000 && event.batch < event.batches) return;
    this.#lastProgress = now;
    this.#emit('progress', event);
  }
  epochEnd(event: EpochEnd): void {
    this.#emit('epoch', event);
  }
  notice(message: string): void {
    this.#emit('notice', { message });
  }
  interrupted(event: Interrupted): void {
    this.#emit('interrupted', event);
  }
  done(event: TrainDone): void {
    this.#emit('done', event);
  }
  close(): void {}
}
