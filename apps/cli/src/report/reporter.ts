// What `backprop train` tells the user, as events; the implementations decide how it looks:
// a progress bar on a terminal, plain lines in a pipe, JSON lines with --json, nothing with --quiet.
import type { TrainConfig } from '../config/train-config.js';
import { shellWord } from '../invocation.js';
import type { EpochRecord } from '../run/training-checkpoint.js';
import { perClassPhrase, type PerClassCounts } from './per-class.js';

export interface TrainStart {
  out: string;
  /** True when continuing a stopped run. */
  resumed: boolean;
  data: string;
  trainSamples: number;
  testSamples: number;
  model: string;
  parameters: number;
  workers: number;
  config: TrainConfig;
  /** Class names in label order (a picture folder's subfolders), or null: classes are numbers. */
  classNames: string[] | null;
}

export interface EpochStart {
  /** 1-based. */
  epoch: number;
  epochs: number;
  /** Samples of the epoch already done (non-zero when a stopped epoch is resumed). */
  doneSamples: number;
  epochSamples: number;
}

export interface BatchProgress {
  epoch: number;
  epochs: number;
  /** Batches done in this epoch, and of how many. */
  batch: number;
  batches: number;
  doneSamples: number;
  epochSamples: number;
  /** Mean training loss of the epoch so far. */
  loss: number;
  samplesPerSecond: number;
}

export interface EpochEnd extends EpochRecord {
  epochs: number;
  /** Seconds since training started in this process. */
  seconds: number;
  /** The test (validation) set's per-class counts: `correct[k]` of `count[k]` samples of class k right. */
  perClass: PerClassCounts | null;
}

export interface Interrupted {
  out: string;
  /** 1-based epoch and the batches done in it when training stopped. */
  epoch: number;
  batch: number;
  resumeCommand: string;
}

export interface TrainDone {
  out: string;
  /** Whether the model takes grayscale images (then `backprop predict` applies). */
  images: boolean;
  /** How to run the CLI again (`backprop`, or `node apps/cli/dist/main.js` in a checkout). */
  command: string;
  epochs: number;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
}

/** Receives the events of a training run, in order: start, (epochStart, batch…, epochEnd)…, done or interrupted. */
export interface Reporter {
  start(event: TrainStart): void;
  epochStart(event: EpochStart): void;
  batch(event: BatchProgress): void;
  epochEnd(event: EpochEnd): void;
  /** A short message such as "stopping after the current step". */
  notice(message: string): void;
  interrupted(event: Interrupted): void;
  done(event: TrainDone): void;
  /** Ends the output however the run ended (an error too): a live progress bar would keep the process alive. */
  close(): void;
}

/** `--quiet`: nothing on stdout; how to resume still goes to stderr (the user must learn it). */
export class QuietReporter implements Reporter {
  start(): void {}
  epochStart(): void {}
  batch(): void {}
  epochEnd(): void {}
  notice(): void {}
  interrupted(event: Interrupted): void {
    process.stderr.write(`stopped; resume with: ${event.resumeCommand}\n`);
  }
  done(): void {}
  close(): void {}
}

/** Formats a count with thousands separators: 12345 → "12,345". */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/**
 * The line printed after each epoch (terminal and plain output), with the per-class accuracy after
 * the overall one: `test accuracy 91.25% (cat 95.0%, not-cat 87.5%)`.
 */
export function epochLine(event: EpochEnd, classNames: readonly string[] | null = null): string {
  const width = String(event.epochs).length;
  const phrase = event.perClass === null ? '' : perClassPhrase(event.perClass, classNames);
  return (
    `epoch ${String(event.epoch).padStart(width)}/${event.epochs}  train loss ${event.trainLoss.toFixed(4)}  test loss ${event.testLoss.toFixed(4)}` +
    `  test accuracy ${(100 * event.testAccuracy).toFixed(2)}%${phrase === '' ? '' : ` (${phrase})`}  ${formatCount(event.samplesPerSecond)} samples/s  (${event.seconds.toFixed(1)} s)`
  );
}

/** The lines printed when a run starts. */
export function startLines(event: TrainStart): string[] {
  const c = event.config;
  return [
    `${event.resumed ? 'resuming' : 'run'} ${event.out}`,
    `data   ${event.data}: ${formatCount(event.trainSamples)} train / ${formatCount(event.testSamples)} test`,
    `model  ${event.model}, ${formatCount(event.parameters)} parameters; ${c.optimizer} lr ${c.lr} (${c.schedule}), batch ${c.batchSize}, ${c.epochs} epochs, seed ${c.seed}, ${event.workers} worker${event.workers === 1 ? '' : 's'}`,
  ];
}

/** The lines printed at the end of a run. */
export function doneLines(event: TrainDone): string[] {
  return [
    `done in ${event.seconds.toFixed(1)} s: test accuracy ${(100 * event.testAccuracy).toFixed(2)}%, test loss ${event.testLoss.toFixed(4)}`,
    `saved ${event.out}/ (model.safetensors, checkpoint.safetensors, metrics.jsonl, curves.svg, config.json)`,
    `next:  ${event.command} eval ${shellWord(event.out)}${event.images ? `   ·   ${event.command} predict ${shellWord(event.out)} digit.png` : ''}   ·   ${event.command} export ${shellWord(event.out)}`,
  ];
}
