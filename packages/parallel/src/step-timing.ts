// Where one training step's time went (`StepTiming`): the workers' forward and backward, the reduction
// and optimizer update (the workers' shards, or the main thread), and the rest as overhead. No thread code.
import type { Done } from './protocol.js';
import type { StepTiming } from './trainer-options.js';

/** What a step's timing reads of each worker's answer. */
export type TimedAnswer = Pick<Done, 'milliseconds' | 'updateMilliseconds'>;

/**
 * The timing of a step that took `milliseconds` from call to end: the overhead is what the busiest
 * worker's forward and backward do not explain; the update is `mainThreadUpdateMilliseconds` when the
 * main thread ran it (null: the workers did, and the slowest shard counts).
 *
 * @example
 * ```ts
 * const answers = [{ milliseconds: 8, updateMilliseconds: 1 }, { milliseconds: 6, updateMilliseconds: 2 }];
 * stepTiming(answers, { milliseconds: 12, mainThreadUpdateMilliseconds: null });
 * // { milliseconds: 12, workerMilliseconds: [8, 6], overheadMilliseconds: 4, updateMilliseconds: 2 }
 * ```
 */
export function stepTiming(
  answers: readonly TimedAnswer[],
  measured: { milliseconds: number; mainThreadUpdateMilliseconds: number | null },
): StepTiming {
  const { milliseconds, mainThreadUpdateMilliseconds } = measured;
  const workerMilliseconds = answers.map((answer) => answer.milliseconds);
  return {
    milliseconds,
    workerMilliseconds,
    overheadMilliseconds: milliseconds - Math.max(...workerMilliseconds),
    updateMilliseconds: mainThreadUpdateMilliseconds ?? Math.max(...answers.map((answer) => answer.updateMilliseconds)),
  };
}

/**
 * Times one step from its creation: `update` runs and times the main thread's update, `finish` gives
 * the StepTiming once the step is done.
 *
 * @example
 * ```ts
 * const stopwatch = new StepStopwatch();
 * const { answers, updatedInWorkers } = await coordinator.dispatch(built, work);
 * if (!updatedInWorkers) stopwatch.update(() => finishOnMainThread(built, end));
 * lastStep = stopwatch.finish(answers);
 * ```
 */
export class StepStopwatch {
  readonly #started = performance.now();
  #mainThreadUpdateMilliseconds: number | null = null;

  update(run: () => void): void {
    const started = performance.now();
    run();
    this.#mainThreadUpdateMilliseconds = performance.now() - started;
  }

  finish(answers: readonly TimedAnswer[]): StepTiming {
    const milliseconds = performance.now() - this.#started;
    return stepTiming(answers, { milliseconds, mainThreadUpdateMilliseconds: this.#mainThreadUpdateMilliseconds });
  }
}
