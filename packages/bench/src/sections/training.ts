// Report sections 2 and 3: training throughput of the MNIST MLP (samples/s at batch 64 and 256) and
// the LeNet-5 step time (batch 64) — Backprop in one thread and on every core beside TF.js wasm
// (one thread) and cpu.
import { availableParallelism } from 'node:os';
import { comparisonTable, ratio, targetLine, type RatioColumn } from '../comparison.js';
import { MODELS } from '../measure/models.js';
import {
  CHUNK_SIZE,
  LEARNING_RATE,
  samplesPerSecondKey,
  stepMillisecondsKey,
  type ModelName,
  type Side,
  type TrainingSide,
} from '../tasks.js';
import type { SectionName, Settings } from '../settings.js';
import type { Section } from './section.js';

/** The training columns, in order. */
export function trainingColumns(): { side: TrainingSide; title: string; short: string }[] {
  const cores = `${availableParallelism()} cores`;
  return [
    { side: 'backprop', title: 'Backprop 1 thread', short: '1 thread' },
    { side: 'backprop-all', title: `Backprop ${cores}`, short: cores },
    { side: 'tfjs-wasm', title: 'TF.js wasm (1 thread)', short: 'TF.js wasm' },
    { side: 'tfjs-cpu', title: 'TF.js cpu', short: 'TF.js cpu' },
  ];
}

/** `Adam (lr 0.001)`: the optimizer both libraries trained with. */
export const optimizerLabel = ({ optimizer }: Settings): string =>
  `${optimizer === 'adam' ? 'Adam' : 'SGD'} (lr ${LEARNING_RATE[optimizer]})`;

/** Both Backprop columns against each reference that has figures (TF.js wasm first). */
const backpropRatios = (references: readonly Side[]): RatioColumn[] =>
  references.flatMap((reference) => (['backprop', 'backprop-all'] as const).map((side) => ({ side, reference })));

/** Batches too small to give every worker a chunk: there the all-cores column does not show parallel speed. */
function chunkNotes(batches: readonly number[]): string[] {
  const workers = availableParallelism();
  return batches
    .filter((batch) => Math.ceil(batch / CHUNK_SIZE) < workers)
    .map((batch) => {
      const chunks = Math.ceil(batch / CHUNK_SIZE);
      return `At batch ${batch}, chunks of ${CHUNK_SIZE} samples (DataParallelTrainer's default) make ${chunks} chunk${chunks === 1 ? '' : 's'} for ${workers} workers: some workers wait, so the "${workers} cores" figure there is not parallel speed.`;
    });
}

interface TrainingSectionOptions {
  readonly name: SectionName;
  readonly model: ModelName;
  readonly batches: readonly number[];
  /** Samples/s (higher is better) or ms/step (lower is better). */
  readonly figure: 'samples/s' | 'ms/step';
  readonly references: readonly Side[];
  /** Issue targets: `side` ≥ `threshold` × TF.js wasm at `batch`. */
  readonly targets: readonly {
    readonly side: Side;
    readonly batch: number;
    readonly threshold: number;
    readonly description: string;
  }[];
}

function trainingSection(options: TrainingSectionOptions): Section {
  const key = options.figure === 'samples/s' ? samplesPerSecondKey : stepMillisecondsKey;
  const lowerIsBetter = options.figure === 'ms/step';
  return {
    name: options.name,
    tasks: (settings) =>
      trainingColumns().map(({ side }) => ({
        measurement: 'throughput',
        side,
        model: options.model,
        batches: options.batches,
        optimizer: settings.optimizer,
        timeScale: settings.timeScale,
      })),
    render: (summaries, settings) =>
      [
        `### ${MODELS[options.model].title} training: ${options.figure === 'samples/s' ? 'samples/s (higher is better)' : 'ms per step (lower is better)'}`,
        `One step = forward, softmax cross-entropy, backward and ${optimizerLabel(settings)} on a fixed batch of real MNIST digits; ` +
          `median step time after warm-up. Ratios: how many times faster Backprop is.`,
        comparisonTable({
          rowTitle: 'batch',
          rows: options.batches.map((batch) => ({ key: key(batch), label: String(batch) })),
          columns: trainingColumns(),
          summaries,
          ratios: backpropRatios(options.references),
          lowerIsBetter,
          digits: lowerIsBetter ? 1 : 0,
        }),
        ...chunkNotes(options.batches),
        ...options.targets.map((target) =>
          targetLine(
            target.description,
            [
              {
                label: `batch ${target.batch}`,
                value: ratio(
                  summaries,
                  { side: target.side, reference: 'tfjs-wasm' },
                  key(target.batch),
                  lowerIsBetter,
                ),
              },
            ],
            target.threshold,
          ),
        ),
      ].join('\n\n'),
  };
}

/** MNIST MLP 784-128-10 samples/s at batch 64 and 256; targets at 256: one thread ≥ 2×, all cores ≥ 3.5× TF.js wasm. */
export const mlpSection: Section = trainingSection({
  name: 'mlp',
  model: 'mlp',
  batches: [64, 256],
  figure: 'samples/s',
  references: ['tfjs-wasm'],
  targets: [
    { side: 'backprop', batch: 256, threshold: 2, description: 'Backprop 1 thread vs TF.js wasm at batch 256' },
    { side: 'backprop-all', batch: 256, threshold: 3.5, description: 'Backprop all cores vs TF.js wasm at batch 256' },
  ],
});

/** LeNet-5 ms per training step at batch 64; TF.js wasm reported as "not supported" where it cannot train it. */
export const cnnSection: Section = trainingSection({
  name: 'cnn',
  model: 'lenet',
  batches: [64],
  figure: 'ms/step',
  references: ['tfjs-wasm', 'tfjs-cpu'],
  targets: [],
});
