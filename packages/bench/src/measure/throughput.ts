// Measurement: training steps per second of one side on a fixed batch of real MNIST digits, at each
// batch size — the median step time, and the loss must fall over the steps. Runs in a child process.
import type { ChildResult } from '../run-child.js';
import { median } from '@backprop/bench-utils';
import { samplesPerSecondKey, stepMillisecondsKey, type ModelName, type OptimizerName } from '../tasks.js';
import { checkLossFalls } from './check-loss.js';
import { UnsupportedError, type Library } from './library.js';
import { mnistBatches } from './mnist-batches.js';
import { scaleSchedule, timeCalls, type Schedule } from './timing.js';

/**
 * Per batch size: ≥ 3 warm-up steps over ≥ 0.5 s (the first steps also start worker threads and
 * compile kernels), then ≥ 5 timed steps over ≥ 2 s; one step suffices past 6 s (TF.js cpu takes
 * seconds per LeNet-5 step).
 */
const SCHEDULE: Schedule = { warmupCalls: 3, warmupMs: 500, minCalls: 5, targetMs: 2000, capMs: 6000 };

/**
 * Median ms per step and samples/s at each batch size, or "not supported" when the library cannot
 * train the model (TF.js's wasm backend and LeNet-5).
 *
 * @example
 * ```ts
 * await measureThroughput(library, { model: 'mlp', batches: [64, 256], optimizer: 'adam', timeScale: 1 });
 * ```
 */
export async function measureThroughput(
  library: Library,
  options: {
    readonly model: ModelName;
    readonly batches: readonly number[];
    readonly optimizer: OptimizerName;
    readonly timeScale: number;
  },
): Promise<ChildResult> {
  const figures: Record<string, number> = {};
  for (const size of options.batches) {
    const trainer = await library.trainer(options.model, options.optimizer);
    const prepared = trainer.prepare(mnistBatches(size, size)[0]!);
    const losses: number[] = [];
    try {
      const times = await timeCalls(
        async () => losses.push(await prepared.step()),
        scaleSchedule(SCHEDULE, options.timeScale),
      );
      checkLossFalls(losses, `${options.model} at batch ${size}`);
      const milliseconds = median(times);
      figures[stepMillisecondsKey(size)] = milliseconds;
      figures[samplesPerSecondKey(size)] = (size * 1000) / milliseconds;
    } catch (error) {
      if (error instanceof UnsupportedError)
        return { figures: {}, unsupported: error.reason, details: library.details };
      throw error;
    } finally {
      prepared.dispose();
      await trainer.close();
    }
    process.stderr.write(
      `${options.model} at batch ${size}: ${figures[stepMillisecondsKey(size)]!.toFixed(1)} ms/step\n`,
    );
  }
  return { figures, details: library.details };
}
