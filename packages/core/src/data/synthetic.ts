// Seeded synthetic sets for demos and tests: TensorFlow Playground's 2-D classification sets and a noisy line.
// Imports the Tensor class and random/ only: no `node:` modules (browsers), never an unseeded random source.
import { Generator } from '../random/generator.js';
import { globalGenerator } from '../random/global-generator.js';
import { Tensor } from '../tensor/tensor.js';

/** Options of the 2-D classification sets. Neither `seed` nor `generator`: the global generator. */
export interface SyntheticOptions {
  /** Number of points N. Default 500 (as in TensorFlow Playground). */
  samples?: number;
  /** Noise level on Playground's scale, 0 … 0.5 (its slider ÷ 100). Default 0. */
  noise?: number;
  /** Seed of a fresh `Generator`: same seed → the same points. */
  seed?: number;
  /** Generator to draw from (advanced), instead of `seed`. */
  generator?: Generator;
}

/** Points and their classes: `inputs` [N, 2], `labels` [N] holding 0 or 1 (float32), alternating. */
export interface ClassificationSet {
  inputs: Tensor;
  labels: Tensor;
}

/** Options of {@link line}. */
export interface LineOptions extends SyntheticOptions {
  /** Slope. Default 2. */
  a?: number;
  /** Intercept. Default 1. */
  b?: number;
  /** x is uniform in [low, high). Default [-1, 1]. */
  xRange?: readonly [number, number];
}

// NOTE(synthetic-layout): sample i has label 1 at even i, 0 at odd i, so every even-length prefix
// is balanced; class 1 has ceil(N/2) samples, class 0 floor(N/2). Labels come from the clean point;
// noise moves the point afterwards (as sklearn's make_circles), so classes overlap as noise grows.
// Every sample draws the same number of values whatever the noise, so noise 0 and noise 0.3 with one
// seed give the same underlying points.

type PointMaker = (generator: Generator, label: 0 | 1, indexInClass: number, classSize: number) => [number, number];

function classificationSet(op: string, options: SyntheticOptions, makePoint: PointMaker): ClassificationSet {
  const { samples = 500 } = options;
  if (!Number.isInteger(samples) || samples < 0)
    throw new RangeError(`${op}: samples must be a non-negative integer, got ${samples}`);
  checkNoise(op, options.noise);
  const generator = resolveGenerator(op, options);
  const inputs = new Float32Array(samples * 2);
  const labels = new Float32Array(samples);
  const classSizes = [Math.floor(samples / 2), Math.ceil(samples / 2)];
  for (let i = 0; i < samples; i++) {
    const label = i % 2 === 0 ? 1 : 0;
    const [x, y] = makePoint(generator, label, Math.floor(i / 2), classSizes[label]!);
    inputs[2 * i] = x;
    inputs[2 * i + 1] = y;
    labels[i] = label;
  }
  return { inputs: new Tensor(inputs, [samples, 2]), labels: new Tensor(labels, [samples]) };
}

/**
 * Two interleaved spiral arms (Playground's "spiral"): radius grows to 5 over 1.75 turns;
 * class 1 starts at angle 0, class 0 at π. Noise adds uniform(−1, 1)·noise to each coordinate.
 *
 * @example
 * ```ts
 * const { inputs, labels } = spiral({ samples: 400, noise: 0.1, seed: 0 }); // [400, 2], [400]
 * ```
 */
export function spiral(options: SyntheticOptions = {}): ClassificationSet {
  const noise = options.noise ?? 0;
  return classificationSet('spiral', options, (generator, label, j, classSize) => {
    const radius = (j / classSize) * 5;
    const angle = ((1.75 * j) / classSize) * 2 * Math.PI + (label === 1 ? 0 : Math.PI);
    return [
      radius * Math.sin(angle) + generator.uniform(-1, 1) * noise,
      radius * Math.cos(angle) + generator.uniform(-1, 1) * noise,
    ];
  });
}

/**
 * A disc and a ring around it (Playground's "circle"): class 1 has radius in [0, 2.5), class 0
 * in [3.5, 5), uniform angles. Noise adds uniform(−5, 5)·noise to each coordinate.
 *
 * @example
 * ```ts
 * const { inputs, labels } = circles({ samples: 200, seed: 1 });
 * ```
 */
export function circles(options: SyntheticOptions = {}): ClassificationSet {
  const noise = options.noise ?? 0;
  return classificationSet('circles', options, (generator, label) => {
    const radius = label === 1 ? generator.uniform(0, 2.5) : generator.uniform(3.5, 5);
    const angle = generator.uniform(0, 2 * Math.PI);
    return [
      radius * Math.sin(angle) + generator.uniform(-5, 5) * noise,
      radius * Math.cos(angle) + generator.uniform(-5, 5) * noise,
    ];
  });
}

/**
 * Four quadrants (Playground's "exclusive or"): coordinates uniform in ±[0.3, 5.3); the label is
 * 1 where exactly one of x > 0, y > 0 holds (x XOR y), 0 otherwise. Noise adds uniform(−5, 5)·noise.
 * Unlike Playground, the quadrant is chosen to give the label, so classes are exactly balanced.
 *
 * @example
 * ```ts
 * const { inputs, labels } = xor({ samples: 200, noise: 0.05, seed: 2 });
 * ```
 */
export function xor(options: SyntheticOptions = {}): ClassificationSet {
  const noise = options.noise ?? 0;
  return classificationSet('xor', options, (generator, label) => {
    const xPositive = generator.nextFloat() < 0.5;
    const yPositive = label === 1 ? !xPositive : xPositive;
    const x = (xPositive ? 1 : -1) * generator.uniform(0.3, 5.3);
    const y = (yPositive ? 1 : -1) * generator.uniform(0.3, 5.3);
    return [x + generator.uniform(-5, 5) * noise, y + generator.uniform(-5, 5) * noise];
  });
}

/**
 * Two Gaussian blobs (Playground's "gaussian"): class 1 around (2, 2), class 0 around (−2, −2),
 * variance 0.5 + 7·noise per coordinate (Playground's scale: 0.5 at noise 0, 4 at noise 0.5).
 *
 * @example
 * ```ts
 * const { inputs, labels } = gaussians({ samples: 100, noise: 0.2, seed: 3 });
 * ```
 */
export function gaussians(options: SyntheticOptions = {}): ClassificationSet {
  const std = Math.sqrt(0.5 + 7 * (options.noise ?? 0));
  return classificationSet('gaussians', options, (generator, label) => {
    const center = label === 1 ? 2 : -2;
    return [generator.normal(center, std), generator.normal(center, std)];
  });
}

/**
 * Points on the line y = a·x + b with Gaussian noise: x uniform in `xRange`, y = a·x + b + noise·z
 * with z standard normal. The set of the linear-regression demo.
 *
 * @example
 * ```ts
 * const { x, y } = line({ a: 3, b: -2, samples: 100, noise: 0.1, seed: 0 }); // x, y: [100]
 * ```
 */
export function line(options: LineOptions = {}): { x: Tensor; y: Tensor } {
  const { a = 2, b = 1, samples = 100, noise = 0, xRange = [-1, 1] } = options;
  if (!Number.isInteger(samples) || samples < 0)
    throw new RangeError(`line: samples must be a non-negative integer, got ${samples}`);
  if (!Number.isFinite(a) || !Number.isFinite(b))
    throw new RangeError(`line: a (${a}) and b (${b}) must be finite numbers`);
  checkNoise('line', noise);
  const [low, high] = xRange;
  if (!(Number.isFinite(low) && Number.isFinite(high) && low < high)) {
    throw new RangeError(`line: xRange must be [low, high] with finite low < high, got [${low}, ${high}]`);
  }
  const generator = resolveGenerator('line', options);
  const x = new Float32Array(samples);
  const y = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    const xi = generator.uniform(low, high);
    x[i] = xi;
    y[i] = a * xi + b + noise * generator.normal();
  }
  return { x: new Tensor(x, [samples]), y: new Tensor(y, [samples]) };
}

function checkNoise(op: string, noise: number | undefined): void {
  if (noise !== undefined && !(Number.isFinite(noise) && noise >= 0)) {
    throw new RangeError(`${op}: noise must be a finite number >= 0, got ${noise}`);
  }
}

function resolveGenerator(op: string, options: { seed?: number; generator?: Generator }): Generator {
  if (options.seed !== undefined && options.generator !== undefined) {
    throw new Error(`${op}: pass either seed or generator, not both`);
  }
  if (options.seed !== undefined) return new Generator(options.seed);
  return options.generator ?? globalGenerator();
}
