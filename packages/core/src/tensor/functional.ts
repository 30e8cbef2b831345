// Free functions for operations of several tensors: concat, stack, where, linear, conv2d and pooling,
// plus the binary operations with a number first. Imports the Tensor class and primitives.
import { conv2dGeometry, type Conv2dGeometry } from '../kernels/conv.js';
import { checkElements } from '../kernels/element-limit.js';
import { formatShape, normalizeAxis } from '../kernels/shape.js';
import { concat as concatPrimitive } from './primitives/layout.js';
import { avgPool2d as avgPoolPrimitive, conv2d as convPrimitive, maxPool2d as maxPoolPrimitive } from './primitives/convolution.js';
import { linear as linearPrimitive } from './primitives/linear.js';
import { binaryCrossEntropy as binaryCrossEntropyPrimitive, softmaxCrossEntropy as crossEntropyPrimitive } from './primitives/cross-entropy.js';
import { describeType } from './describe.js';
import { Tensor, type TensorLike } from './tensor.js';

/** Refuses a wrong JS type at the entry of a function: `conv2d: weight must be a Tensor, got string`. */
function requireTensor(op: string, name: string, value: unknown): void {
  if (!(value instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor, got ${describeType(value)}`);
}

/** Joins tensors along an existing `axis`; all other lengths must agree. @example `concat([a, b], 0)` */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors as unknown)) throw new TypeError(`concat: expected an array of tensors, got ${describeType(tensors)}`);
  if (tensors.length === 0) throw new Error('concat: needs at least one tensor');
  tensors.forEach((item, i) => requireTensor('concat', `tensors[${i}]`, item));
  const first = tensors[0]!;
  const resolved = normalizeAxis('concat', axis, first.ndim);
  for (const other of tensors) {
    const fits = other.ndim === first.ndim && other.shape.every((length, a) => a === resolved || length === first.shape[a]);
    if (!fits) {
      throw new Error(`concat: shapes ${formatShape(first.shape)} and ${formatShape(other.shape)} differ outside axis ${resolved}`);
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

/** A length per spatial axis: one number for both, or [height, width]. */
export type Size2d = number | readonly [number, number];

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
    throw new Error(`linear: expected input [..., in] and weight [out, in] with the same in, got ${formatShape(input.shape)} and ${formatShape(weight.shape)}`);
  }
  if (bias !== undefined && bias !== null && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new Error(`linear: bias must have shape [${weight.shape[0]}] (one per output feature), got ${formatShape(bias.shape)}`);
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
    throw new Error(`softmaxCrossEntropy: expected scores [N, C] and N labels, got ${formatShape(scores.shape)} and ${labels.length} labels`);
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
    throw new Error(`binaryCrossEntropy: probabilities ${formatShape(probabilities.shape)} and targets ${formatShape(targets.shape)} must have the same shape`);
  }
  return Tensor.fromPrimitive('binaryCrossEntropy', [probabilities, targets], binaryCrossEntropyPrimitive(probabilities, targets));
}

/** Options of `conv2d`. */
export interface Conv2dOptions {
  /** [outChannels] added to every position. */
  bias?: Tensor | undefined;
  stride?: Size2d;
  padding?: Size2d;
}

/**
 * 2-D convolution (cross-correlation, like PyTorch) of input [N, C, H, W] with weight
 * [O, C, kH, kW]: output [N, O, outH, outW], outH = ⌊(H + 2·padding − kH) / stride⌋ + 1.
 *
 * @example
 * ```ts
 * const y = conv2d(images, weight, { bias, stride: 1, padding: 2 }); // [N,1,28,28] * [6,1,5,5] → [N,6,28,28]
 * ```
 */
export function conv2d(input: Tensor, weight: Tensor, options: Conv2dOptions = {}): Tensor {
  requireTensor('conv2d', 'input', input);
  requireTensor('conv2d', 'weight', weight);
  if (input.ndim !== 4 || weight.ndim !== 4 || input.shape[1] !== weight.shape[1]) {
    throw new Error(
      `conv2d: expected input [N,C,H,W] and weight [O,C,kH,kW] with equal C, got ${formatShape(input.shape)} and ${formatShape(weight.shape)}`,
    );
  }
  const [strideHeight, strideWidth] = pair(options.stride ?? 1);
  const [padHeight, padWidth] = pair(options.padding ?? 0);
  const [batch, channels, height, width] = input.shape as [number, number, number, number];
  const geometry = conv2dGeometry({
    batch, channels, height, width, kernelHeight: weight.shape[2]!, kernelWidth: weight.shape[3]!,
    strideHeight, strideWidth, padHeight, padWidth,
  });
  checkConvStorage('conv2d', geometry, weight.shape[0]!);
  const { bias } = options;
  if (bias === undefined || bias === null) return Tensor.fromPrimitive('conv2d', [input, weight], convPrimitive(input, weight, geometry));
  if (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0]) {
    throw new Error(`conv2d: bias must have shape [${weight.shape[0]}] (one per output channel), got ${formatShape(bias.shape)}`);
  }
  return Tensor.fromPrimitive('conv2d', [input, weight, bias], convPrimitive(input, weight, geometry, bias));
}

/** Options of the pooling functions; `stride` defaults to the kernel size, as in PyTorch. */
export interface Pool2dOptions {
  stride?: Size2d;
  padding?: Size2d;
}

function poolGeometry(op: string, input: Tensor, kernelSize: Size2d, options: Pool2dOptions) {
  requireTensor(op, 'input', input);
  if (input.ndim !== 4) throw new Error(`${op}: expected input [N,C,H,W], got ${formatShape(input.shape)}`);
  const [kernelHeight, kernelWidth] = pair(kernelSize);
  const [strideHeight, strideWidth] = pair(options.stride ?? kernelSize);
  const [padHeight, padWidth] = pair(options.padding ?? 0);
  const [batch, channels, height, width] = input.shape as [number, number, number, number];
  const geometry = conv2dGeometry({ batch, channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, padHeight, padWidth });
  checkConvStorage(op, geometry, channels);
  return geometry;
}

/** The buffers a convolution or pooling allocates from its geometry: output, one padded image, one image's columns. */
function checkConvStorage(op: string, g: Conv2dGeometry, outChannels: number): void {
  checkElements(op, [g.batch, outChannels, g.outHeight, g.outWidth], 'output shape');
  checkElements(op, [g.channels, g.height + 2 * g.padHeight, g.width + 2 * g.padWidth], 'padded image shape');
  checkElements(op, [g.channels * g.kernelHeight * g.kernelWidth, g.outHeight * g.outWidth], 'unfolded columns of one image');
}

/** Max over each kernel window of [N, C, H, W]. @example `maxPool2d(x, 2)` halves H and W */
export function maxPool2d(input: Tensor, kernelSize: Size2d, options: Pool2dOptions = {}): Tensor {
  return Tensor.fromPrimitive('maxPool2d', [input], maxPoolPrimitive(input, poolGeometry('maxPool2d', input, kernelSize, options)));
}

/** Mean over each kernel window of [N, C, H, W] (padding counts as zeros). @example `avgPool2d(x, 2)` */
export function avgPool2d(input: Tensor, kernelSize: Size2d, options: Pool2dOptions = {}): Tensor {
  return Tensor.fromPrimitive('avgPool2d', [input], avgPoolPrimitive(input, poolGeometry('avgPool2d', input, kernelSize, options)));
}
