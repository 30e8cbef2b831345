// Report section 4: memory of a training run (the MNIST MLP over real digits, batch 64) — resident
// memory before and at its peak, and the main thread's JS heap — each side in a process of its own.
import { comparisonTable } from '../comparison.js';
import { MODELS } from '../measure/models.js';
import { MEMORY_KEYS } from '../tasks.js';
import type { Section } from './section.js';
import { optimizerLabel, trainingColumns } from './training.js';

const BATCH = 64;

/** Training digits per memory run: one epoch of the 8,000 (2,048 with QUICK=1). */
const samples = (timeScale: number) => (timeScale < 1 ? 2048 : 8000);

/** Peak memory of an MLP training run; ratios > 1× mean Backprop used less. */
export const memorySection: Section = {
  name: 'memory',
  tasks: (settings) =>
    trainingColumns().map(({ side }) => ({
      measurement: 'memory',
      side,
      model: 'mlp',
      batch: BATCH,
      samples: samples(settings.timeScale),
      optimizer: settings.optimizer,
    })),
  render: (summaries, settings) =>
    [
      `### Memory of a training run: MiB (lower is better)`,
      `${MODELS.mlp.title}, ${optimizerLabel(settings)}, ${samples(settings.timeScale).toLocaleString('en-US')} real digits in batches of ${BATCH}, one process per run. ` +
        "Peak RSS is the process's high-water mark (`process.resourceUsage().maxRSS`, worker threads included); the JS heap is the main thread's largest `heapUsed` after a step. " +
        'Ratios: how many times less Backprop used.',
      comparisonTable({
        rowTitle: 'MiB',
        rows: [MEMORY_KEYS.rssBefore, MEMORY_KEYS.rssPeak, MEMORY_KEYS.rssGrowth, MEMORY_KEYS.heapPeak].map((key) => ({
          key,
          label: key,
        })),
        columns: trainingColumns(),
        summaries,
        ratios: [
          { side: 'backprop', reference: 'tfjs-wasm' },
          { side: 'backprop-all', reference: 'tfjs-wasm' },
        ],
        lowerIsBetter: true,
        digits: 1,
      }),
      // A probe (heap after a full collection, before and after the require) gives the figures quoted (bench README, Notes).
      "TF.js's figures include its gradient registrations, loaded from tfjs-core's separate ESM files (NOTE(tfjs-gradients) in src/measure/tfjs.ts): " +
        'about 12 MiB of heap and 40 MiB of RSS before any training; the growth row leaves that out.',
    ].join('\n\n'),
};
