// Plain lines for a pipe or a log file (stdout is not a terminal): no bar, one line per epoch.
import { writeStdout } from './stdout-closed.js';
import {
  doneLines,
  epochLine,
  startLines,
  type BatchProgress,
  type EpochEnd,
  type EpochStart,
  type Interrupted,
  type Reporter,
  type TrainDone,
  type TrainStart,
} from './reporter.js';

/** Writes whole lines to a stream (stdout by default). */
export class LineReporter implements Reporter {
  protected readonly write: (line: string) => void;
  /** From `start`: the epoch line names the classes. */
  #classNames: string[] | null = null;

  constructor(write: (line: string) => void = (line) => writeStdout(`${line}\n`)) {
    this.write = write;
  }

  start(event: TrainStart): void {
    this.#classNames = event.classNames;
    for (const line of startLines(event)) this.write(line);
  }
  epochStart(_event: EpochStart): void {}
  batch(_event: BatchProgress): void {}
  epochEnd(event: EpochEnd): void {
    this.write(epochLine(event, this.#classNames));
  }
  notice(message: string): void {
    this.write(message);
  }
  interrupted(event: Interrupted): void {
    this.write(
      `stopped at epoch ${event.epoch}, batch ${event.batch}; checkpoint saved in ${event.out}/checkpoint.safetensors`,
    );
    this.write(`resume with: ${event.resumeCommand}`);
  }
  done(event: TrainDone): void {
    for (const line of doneLines(event)) this.write(line);
  }
  close(): void {}
}
