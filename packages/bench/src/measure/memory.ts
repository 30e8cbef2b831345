// Measurement: the memory of a training run — resident memory before the first step, the process's
// peak resident memory and the main thread's largest JS heap — over real MNIST batches. Runs in a
// child process of its own, so the peak belongs to this side alone.
import type { ChildResult } from '../run-child.js';
import { MEMORY_KEYS, type ModelName, type OptimizerName } from '../tasks.js';
import { checkLossFalls } from './check-loss.js';
import type { Library } from './library.js';
import { mnistBatches } from './mnist-batches.js';

const MIB = 2 ** 20;

/**
 * Trains `samples` digits once in batches of `batch`; figures in MiB.
 *
 * @example
 * ```ts
 * await measureMemory(library, { model: 'mlp', batch: 64, samples: 8000, optimizer: 'adam' }); // { figures: { 'peak RSS': 190.2, … } }
 * ```
 */
export async function measureMemory(
  library: Library,
  options: {
    readonly model: ModelName;
    readonly batch: number;
    readonly samples: number;
    readonly optimizer: OptimizerName;
  },
): Promise<ChildResult> {
  const batches = mnistBatches(options.batch, options.samples);
  const trainer = await library.trainer(options.model, options.optimizer);
  const rssBefore = process.memoryUsage.rss();
  let heapPeak = process.memoryUsage().heapUsed;
  const losses: number[] = [];
  try {
    for (const batch of batches) {
      const prepared = trainer.prepare(batch);
      losses.push(await prepared.step());
      prepared.dispose();
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }
  } finally {
    await trainer.close();
  }
  // Single batches are noisy: compare the first ten losses with the last ten.
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  checkLossFalls([mean(losses.slice(0, 10)), mean(losses.slice(-10))], `${options.model} memory run`);
  const rssPeak = process.resourceUsage().maxRSS * 1024;
  return {
    figures: {
      [MEMORY_KEYS.rssBefore]: rssBefore / MIB,
      [MEMORY_KEYS.rssPeak]: rssPeak / MIB,
      [MEMORY_KEYS.rssGrowth]: (rssPeak - rssBefore) / MIB,
      [MEMORY_KEYS.heapPeak]: heapPeak / MIB,
    },
    details: library.details,
  };
}
