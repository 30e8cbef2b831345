// The `init` namespace object (`init.kaimingUniform(w)`), like torch.nn.init. Imports nn/init only.
import {
  calculateFans,
  calculateGain,
  constant,
  kaimingNormal,
  kaimingUniform,
  normal,
  ones,
  uniform,
  xavierNormal,
  xavierUniform,
  zeros,
} from './init.js';

export type { KaimingOptions, Nonlinearity, XavierOptions } from './init.js';

/**
 * In-place, seeded initialisers with PyTorch's rules.
 *
 * @example
 * ```ts
 * init.kaimingNormal(layer.weight, { nonlinearity: 'relu', generator: new Generator(0) });
 * init.zeros(layer.bias!);
 * ```
 */
export const init = {
  calculateFans,
  calculateGain,
  constant,
  kaimingNormal,
  kaimingUniform,
  normal,
  ones,
  uniform,
  xavierNormal,
  xavierUniform,
  zeros,
} as const;
