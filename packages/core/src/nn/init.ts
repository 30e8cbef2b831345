// Parameter initialisation, in place and seeded: PyTorch's torch.nn.init rules.
// Imports the Tensor type and random/ (generator, global-generator) only.
import { formatShape } from '../kernels/shape.js';
import type { Generator } from '../random/generator.js';
import { globalGenerator } from '../random/global-generator.js';
import type { Tensor } from '../tensor/tensor.js';

/** Nonlinearities known to `calculateGain`. */
export type Nonlinearity = 'linear' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu';

/** Options shared by the Kaiming initialisers (PyTorch defaults: a = 0, fanIn, leakyRelu). */
export interface KaimingOptions {
  /** Negative slope of the leaky ReLU that follows (0 for ReLU). */
  a?: number;
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

/** Options of the Xavier initialisers. */
export interface XavierOptions {
  gain?: number;
  generator?: Generator;
}

/** fanIn and fanOut as PyTorch computes them: [out, in, ...receptive field]. */
export function calculateFans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) {
    throw new Error(`init: fan in and fan out need at least 2 dimensions, got ${formatShape(t.shape)}`);
  }
  const receptive = t.shape.slice(2).reduce((product, length) => product * length, 1);
  return { fanIn: t.shape[1]! * receptive, fanOut: t.shape[0]! * receptive };
}

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, parameter?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv2d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu': {
      const slope = parameter ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
  }
}

/** Fills `t` with U(low, high). @example `uniform(w, -0.1, 0.1)` */
export function uniform(t: Tensor, low: number, high: number, generator: Generator = globalGenerator()): Tensor {
  for (let i = 0; i < t.size; i++) t.data[i] = low + (high - low) * generator.nextFloat();
  return t;
}

/** Fills `t` with N(mean, std²). @example `normal(w, 0, 0.02)` */
export function normal(t: Tensor, mean: number, std: number, generator: Generator = globalGenerator()): Tensor {
  for (let i = 0; i < t.size; i++) t.data[i] = generator.normal(mean, std);
  return t;
}

/** Fills `t` with `value`. */
export function constant(t: Tensor, value: number): Tensor {
  t.data.fill(value);
  return t;
}

export function zeros(t: Tensor): Tensor {
  return constant(t, 0);
}

export function ones(t: Tensor): Tensor {
  return constant(t, 1);
}

function kaimingStd(t: Tensor, options: KaimingOptions): number {
  const { a = 0, mode = 'fanIn', nonlinearity = 'leakyRelu' } = options;
  const fans = calculateFans(t);
  return calculateGain(nonlinearity, a) / Math.sqrt(mode === 'fanIn' ? fans.fanIn : fans.fanOut);
}

/**
 * He initialisation, uniform: U(−b, b) with b = gain·√(3 / fan). `Linear` and `Conv2d` start
 * with `a = √5`, which gives b = 1/√fanIn, as in PyTorch.
 *
 * @example `kaimingUniform(weight, { nonlinearity: 'relu' })`
 */
export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform(t, -bound, bound, options.generator);
}

/** He initialisation, normal: N(0, (gain/√fan)²). @example `kaimingNormal(weight, { mode: 'fanOut' })` */
export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  return normal(t, 0, kaimingStd(t, options), options.generator);
}

/** Glorot initialisation, uniform: U(−b, b), b = gain·√(6 / (fanIn + fanOut)). @example `xavierUniform(w)` */
export function xavierUniform(t: Tensor, options: XavierOptions = {}): Tensor {
  const { fanIn, fanOut } = calculateFans(t);
  const bound = (options.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, -bound, bound, options.generator);
}

/** Glorot initialisation, normal: N(0, gain²·2 / (fanIn + fanOut)). @example `xavierNormal(w, { gain: 5 / 3 })` */
export function xavierNormal(t: Tensor, options: XavierOptions = {}): Tensor {
  const { fanIn, fanOut } = calculateFans(t);
  return normal(t, 0, (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)), options.generator);
}
