// The `synthetic` namespace object (`synthetic.spiral({ … })`): short names like `xor` and
// `line` stay clear of tensor operations. Imports data/synthetic only.
import { circles, gaussians, line, spiral, xor } from './synthetic.js';

export type { ClassificationSet, LineOptions, SyntheticOptions } from './synthetic.js';

/**
 * Seeded toy datasets: the 2-D classification sets of TensorFlow Playground and a noisy line.
 *
 * @example
 * ```ts
 * const { inputs, labels } = synthetic.spiral({ samples: 400, noise: 0.1, seed: 1 }); // [400, 2], [400]
 * const { x, y } = synthetic.line({ a: 3, b: -2, samples: 100, noise: 0.05, seed: 2 });
 * ```
 */
export const synthetic = { circles, gaussians, line, spiral, xor } as const;
