// Free functions for operations of several tensors: concat, stack, where, linear, pooling (conv2d: conv2d.ts),
// plus the binary operations with a number first. Imports the Tensor class and primitives.
import { checkConvStorage, checkElements } from '../kernels/element-limit.js';
import { pool2dGeometry } from '../kernels/pool-geometry.js';
import { formatShape, normalizeAxis } from '../kernels/shape.js';
import { concat as concatPrimitive } from './primitives/layout.js';
import { avgPool2d as avgPoolPrimitive, maxPool2d as maxPoolPrimitive } from './primitives/convolution.js';
import { adaptiveAvgPool2d as adaptiveAvgPoolPrimitive } from './primitives/adaptive-pool.js';
import { linear as linearPrimitive } from './primitives/linear.js';
import {
  binaryCrossEntropy as binaryCrossEntropyPrimitive,
  softmaxCrossEntropy as crossEntropyPrimitive,
} from './primitives/cross-entropy.js';
import { requireTensor, type Size2d } from './conv2d.js';
import { describeType } from './describe.js';
import { Tensor, type TensorLike } from './tensor.js';

export { conv2d, type Conv2dOptions, type Conv2dPaddingMode, type Size2d } from './conv2d.js';

/** Joins tensors along an existing `axis`; all other lengths must agree. @example `concat([a, b], 0)` */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors as unknown))
    throw new TypeError(`concat: expected an array of tensors, got ${describeType(tensors)}`);
  if (tensors.length === 0) throw new Error('concat: needs at least one tensor');
  tensors.forEach((item, i) => requireTensor('concat', `tensors[${i}]`, item));
  const first = tensors[0]!;
  const resolved = normalizeAxis('concat', axis, first.ndim);
  for (const other of tensors) {
    const fits =
      other.ndim === first.ndim && other.shape.every((length, a) => a === resolved || length === first.shape[a]);
    if (!fits) {
      throw new Error(
        `concat: shapes ${formatShape(first.shape)} and ${formatShape(other.shape)} differ outside axis ${resolved}`,
      );
    }
  }
  return Tensor.fromPrimitive('concat', tensors, concatPrimitive(tensors, resolved));
}

/** Joins equally shaped tensors along a new `axis`. @example `stack([a, b])` → shape [2, ...a.shape] */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new Error('stack: needs at least one tensor');
  const resolved = normalizeAxis('stack', axis, tensors[0]!.ndim + 1);
  return concat(
    tensors.map((t) => t.unsqueeze(resolved)),
    resolved,
  );
}

/** `condition ? a : b` elementwise, all three broadcast together. @example `where(x.gt(0), x, 0)` */
export function where(condition: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  return Tensor.from(a, 'where').where(condition, b);
}

/** a + b with either side a number. The other binary functions work alike. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return Tensor.from(a, 'add').add(b);
}
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return Tensor.from(a, 'sub').sub(b);
}
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return Tensor.from(a, 'mul').mul(b);
}
export function div(a: TensorLike, b: TensorLike): Tensor {
  return Tensor.from(a, 'div').div(b);
}
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return Tensor.from(a, 'pow').pow(b);
}
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return Tensor.from(a, 'maximum').maximum(b);
}
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return Tensor.from(a, 'minimum').minimum(b);
}
/** torch.matmul as a function. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  requireTensor('matmul', 'the first operand', a);
  return a.matmul(b);
}

function pair(value: Size2d): [number, number] {
  return typeof value === 'number' ? [value, value] : [value[0], value[1]];
}

/**
 * torch.nn.functional.linear: `input · weightᵀ + bias` over the last axis — input [..., in], weight
 * [out, in] (PyTorch's layout), bias [out] → [..., out]. One fused primitive (no transposed copy of
 * the weight, no broadcast add); what `nn.Linear` runs.
 *
 * @example
 * ```ts
 * const y = linear(randn([32, 784]), weight, bias); // weight [128, 784], bias [128] → [32, 128]
 * ```
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  requireTensor('linear', 'input', input);
  requireTensor('linear', 'weight', weight);
  if (bias !== undefined && bias !== null) requireTensor('linear', 'bias', bias);
  const inFeatures = weight.shape[1];
  if (weight.ndim !== 2 || input.ndim < 1 || input.shape[input.ndim - 1] !== inFeatures) {
    throw new Error(
      `linear: expected input [..., in] and weight [out, in] with the same in, got ${formatShape(input.shape)} and ${formatShape(weight.shape)}`,
    );
  }
  if (bias !== undefined && bias !== null && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new Error(
      `linear: bias must have shape [${weight.shape[0]}] (one per output feature), got ${formatShape(bias.shape)}`,
    );
  }
  const inputs = bias === undefined || bias === null ? [input, weight] : [input, weight, bias];
  return Tensor.fromPrimitive('linear', inputs, linearPrimitive(input, weight, bias ?? null));
}

/**
 * Softmax cross-entropy per row of scores [N, C] against class indices (N integers in [0, C), not
 * checked here: `crossEntropy` in ops/losses checks them), with label smoothing in [0, 1]. One fused
 * primitive; `crossEntropy` is the public entry.
 *
 * @example
 * ```ts
 * const perSample = softmaxCrossEntropy(logits, Float32Array.of(3, 0), 0); // logits [2, 10] → [2]
 * ```
 */
export function softmaxCrossEntropy(scores: Tensor, labels: Float32Array, labelSmoothing = 0): Tensor {
  if (scores.ndim !== 2 || labels.length !== scores.shape[0]) {
    throw new Error(
      `softmaxCrossEntropy: expected scores [N, C] and N labels, got ${formatShape(scores.shape)} and ${labels.length} labels`,
    );
  }
  return Tensor.fromPrimitive('softmaxCrossEntropy', [scores], crossEntropyPrimitive(scores, labels, labelSmoothing));
}

/**
 * Binary cross-entropy per element, unreduced: −(t·max(log p, −100) + (1 − t)·max(log(1 − p), −100))
 * with PyTorch's gradients (NOTE(bce-gradient)). `binaryCrossEntropy` in ops/losses adds the
 * checks, weights and reduction.
 *
 * @example
 * ```ts
 * binaryCrossEntropyTerms(tensor([0.9, 0.2]), tensor([1, 0])).toArray(); // [−log 0.9, −log 0.8]
 * ```
 */
export function binaryCrossEntropyTerms(probabilities: Tensor, targets: Tensor): Tensor {
  if (formatShape(probabilities.shape) !== formatShape(targets.shape)) {
    throw new Error(
      `binaryCrossEntropy: probabilities ${formatShape(probabilities.shape)} and targets ${formatShape(targets.shape)} must have the same shape`,
    );
  }
  return Tensor.fromPrimitive(
    'binaryCrossEntropy',
    [probabilities, targets],
    binaryCrossEntropyPrimitive(probabilities, targets),
  );
}

/** Options of the pooling functions; `stride` defaults to the kernel size, as in PyTorch. */
export interface Pool2dOptions {
  stride?: Size2d;
  /** Implicit padding on both sides, at most half the kernel (PyTorch's rule). Default 0. */
  padding?: Size2d;
  /** Round the output size up, so a last partial window is pooled too (PyTorch's `ceil_mode`). Default false. */
  ceilMode?: boolean;
}

/** Options of `maxPool2d`. */
export interface MaxPool2dOptions extends Pool2dOptions {
  /** Spacing of a window's elements (PyTorch's `dilation`). Default 1. */
  dilation?: Size2d;
}

/** Options of `avgPool2d`. */
export interface AvgPool2dOptions extends Pool2dOptions {
  /** Divide by the window size with its padding (true, PyTorch's default) or by the real elements only. */
  countIncludePad?: boolean;
}

function poolGeometry(op: string, input: Tensor, kernelSize: Size2d, options: MaxPool2dOptions & AvgPool2dOptions) {
  requireTensor(op, 'input', input);
  if (input.ndim !== 4) throw new Error(`${op}: expected input [N,C,H,W], got ${formatShape(input.shape)}`);
  const [kernelHeight, kernelWidth] = pair(kernelSize);
  const [strideHeight, strideWidth] = pair(options.stride ?? kernelSize);
  const [padHeight, padWidth] = pair(options.padding ?? 0);
  const [dilationHeight, dilationWidth] = pair(options.dilation ?? 1);
  const [batch, channels, height, width] = input.shape as [number, number, number, number];
  let geometry;
  try {
    geometry = pool2dGeometry({
      batch,
      channels,
      height,
      width,
      kernelHeight,
      kernelWidth,
      strideHeight,
      strideWidth,
      padHeight,
      padWidth,
      dilationHeight,
      dilationWidth,
      ceilMode: options.ceilMode ?? false,
      countIncludePad: options.countIncludePad ?? true,
    });
  } catch (error) {
    throw new Error(
      `${op}: input ${formatShape(input.shape)}: ${(error as Error).message.replace('pool2dGeometry: ', '')}`,
    );
  }
  checkConvStorage(op, geometry, channels);
  return geometry;
}

/**
 * Max over each kernel window of [N, C, H, W], PyTorch's `F.max_pool2d` (dilation, ceil mode).
 *
 * @example
 * ```ts
 * maxPool2d(x, 2); // halves H and W
 * maxPool2d(x, 3, { stride: 2, ceilMode: true, dilation: 2 });
 * ```
 */
export function maxPool2d(input: Tensor, kernelSize: Size2d, options: MaxPool2dOptions = {}): Tensor {
  return Tensor.fromPrimitive(
    'maxPool2d',
    [input],
    maxPoolPrimitive(input, poolGeometry('maxPool2d', input, kernelSize, options)),
  );
}

/**
 * Mean over each kernel window of [N, C, H, W] (padding counts as zeros), PyTorch's `F.avg_pool2d`.
 *
 * @example
 * ```ts
 * avgPool2d(x, 3, { stride: 1, padding: 1, countIncludePad: false });
 * ```
 */
export function avgPool2d(input: Tensor, kernelSize: Size2d, options: AvgPool2dOptions = {}): Tensor {
  return Tensor.fromPrimitive(
    'avgPool2d',
    [input],
    avgPoolPrimitive(input, poolGeometry('avgPool2d', input, kernelSize, options)),
  );
}

/**
 * Average pooling of [N, C, H, W] to a fixed output size, PyTorch's `F.adaptive_avg_pool2d`: output
 * (i, j) averages rows ⌊i·H/outH⌋ … ⌈(i+1)·H/outH⌉ − 1 and the columns alike. `1` is global average pooling.
 *
 * @example
 * ```ts
 * adaptiveAvgPool2d(features, 1).flatten(1); // [N, C, 7, 7] → [N, C]
 * ```
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: Size2d): Tensor {
  requireTensor('adaptiveAvgPool2d', 'input', input);
  if (input.ndim !== 4) throw new Error(`adaptiveAvgPool2d: expected input [N,C,H,W], got ${formatShape(input.shape)}`);
  const [outHeight, outWidth] = pair(outputSize);
  for (const size of [outHeight, outWidth]) {
    if (!Number.isInteger(size) || size < 1) {
      throw new Error(
        `adaptiveAvgPool2d: output size ${formatShape([outHeight, outWidth])} must hold integers ≥ 1 (input ${formatShape(input.shape)})`,
      );
    }
  }
  if (input.size === 0) throw new Error(`adaptiveAvgPool2d: input ${formatShape(input.shape)} is empty`);
  checkElements('adaptiveAvgPool2d', [input.shape[0]!, input.shape[1]!, outHeight, outWidth], 'output shape');
  return Tensor.fromPrimitive('adaptiveAvgPool2d', [input], adaptiveAvgPoolPrimitive(input, outHeight, outWidth));
}
