// On a terminal: a cli-progress bar per epoch (samples, running loss, samples/s, ETA), then the epoch line.
import { SingleBar } from 'cli-progress';
import { LineReporter } from './line-reporter.js';
import { writeStdout } from './stdout-closed.js';
import {
  formatCount,
  type BatchProgress,
  type EpochEnd,
  type EpochStart,
  type Interrupted,
  type TrainDone,
} from './reporter.js';

/** The terminal reporter: LineReporter's lines plus a live bar during each epoch. */
export class ProgressReporter extends LineReporter {
  #bar: SingleBar | null = null;

  override epochStart(event: EpochStart): void {
    this.#stopBar();
    const width = String(event.epochs).length;
    this.#bar = new SingleBar({
      format: `epoch ${String(event.epoch).padStart(width)}/${event.epochs} {bar} {percentage}% | {value}/{total} | loss {loss} | {speed} samples/s | ETA {eta_formatted}`,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
      fps: 8,
    });
    this.#bar.start(event.epochSamples, event.doneSamples, { loss: '—', speed: '—' });
  }

  override batch(event: BatchProgress): void {
    this.#bar?.update(event.doneSamples, { loss: event.loss.toFixed(4), speed: formatCount(event.samplesPerSecond) });
  }

  override epochEnd(event: EpochEnd): void {
    this.#stopBar();
    super.epochEnd(event);
  }

  override notice(message: string): void {
    // Printed below the bar; the bar redraws on its next update.
    writeStdout(`\n${message}\n`);
  }

  override interrupted(event: Interrupted): void {
    this.#stopBar();
    super.interrupted(event);
  }

  override done(event: TrainDone): void {
    this.#stopBar();
    super.done(event);
  }

  override close(): void {
    this.#stopBar();
  }

  #stopBar(): void {
    this.#bar?.stop();
    this.#bar = null;
  }
}
