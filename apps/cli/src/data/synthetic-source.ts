// `--data spiral|circles|xor`: TensorFlow Playground's 2-D sets from @backprop/core's synthetic
// generators, 1,000 points, a fixed data seed, a seeded random 800 / 200 train / test split.
import { randomSplit, synthetic, TensorDataset } from '@backprop/core';
import type { LabelledData } from './labelled-data.js';
import { takeRows } from './labelled-data.js';

const SAMPLES = 1000;
const TRAIN = 800;
/** The points never change with `--seed` (that one seeds the weights and the shuffles). */
const DATA_SEED = 0;
const NOISE = { spiral: 0.05, circles: 0.1, xor: 0.1 } as const;

/**
 * A 2-D, two-class set: inputs [N, 2], labels 0/1.
 *
 * @example
 * ```ts
 * const { train, test } = loadSynthetic('circles'); // 800 and 200 points, split at random (seeded)
 * ```
 */
export function loadSynthetic(name: keyof typeof NOISE): LabelledData {
  const { inputs, labels } = synthetic[name]({ samples: SAMPLES, noise: NOISE[name], seed: DATA_SEED });
  const all = new TensorDataset(inputs, labels);
  // NOTE(synthetic-split): random, not "first 800": the generators lay points out along each arm
  // or ring in index order, so the last points would be a region the model never saw.
  const [train, test] = randomSplit(all, [TRAIN, SAMPLES - TRAIN], DATA_SEED);
  return {
    description: `${name}, ${SAMPLES} points (noise ${NOISE[name]}), seeded ${TRAIN} / ${SAMPLES - TRAIN} split`,
    train: takeRows(all, train!.indices),
    test: takeRows(all, test!.indices),
    sampleShape: [2],
    classes: 2,
    pixelScale: 1,
    warnings: [],
  };
}
