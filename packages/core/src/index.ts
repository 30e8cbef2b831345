// Public API of @backprop/core: explicit named exports only (no `export *`).
export { Tensor, type Axes, type NestedArray, type TensorLike } from './tensor/tensor.js';
export {
  arange,
  eye,
  full,
  linspace,
  ones,
  onesLike,
  rand,
  randint,
  randn,
  tensor,
  zeros,
  zerosLike,
  type RandomOptions,
  type TensorData,
  type TensorOptions,
} from './tensor/create.js';
export {
  add,
  avgPool2d,
  concat,
  conv2d,
  div,
  matmul,
  maximum,
  maxPool2d,
  minimum,
  mul,
  pow,
  stack,
  sub,
  where,
  type Conv2dOptions,
  type Pool2dOptions,
  type Size2d,
} from './tensor/functional.js';
export { isGradEnabled, noGrad, type BackwardRule, type Creator, type PrimitiveResult, type RawTensor } from './autograd/graph.js';
export { gradcheck, type GradcheckMismatch, type GradcheckOptions, type GradcheckResult } from './autograd/gradcheck.js';
export { assertFinite } from './autograd/assert-finite.js';
export { Generator, globalGenerator, manualSeed, type GeneratorState } from './random/generator.js';
export type { VarianceOptions } from './ops/statistics.js';
