// conv2d with PyTorch's options: stride, padding (numbers, 'same', 'valid'), dilation, groups and
// padding modes. The fused primitive does the work; dilation, groups and non-zero padding modes are
// composed around it (no gradient code). Imports the Tensor class, kernels/conv and the primitives.
import { conv2dGeometry } from '../kernels/conv.js';
import { checkConvStorage } from '../kernels/element-limit.js';
import { formatShape } from '../kernels/shape.js';
import { concat as concatPrimitive } from './primitives/layout.js';
import { conv2d as convPrimitive } from './primitives/convolution.js';
import { describeType } from './describe.js';
import { Tensor } from './tensor.js';

/** A length per spatial axis: one number for both, or [height, width]. */
export type Size2d = number | readonly [number, number];

/** How the border of a padded convolution is filled (`nn.Conv2d`'s `padding_mode`). */
export type Conv2dPaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** Options of `conv2d`. */
export interface Conv2dOptions {
  /** [outChannels] added to every position. */
  bias?: Tensor | undefined;
  stride?: Size2d;
  /**
   * Border added on both sides, or 'valid' (none) or 'same' (output as large as the input; stride
   * 1 only; an odd total puts the extra row/column after, as PyTorch does). Default 0.
   */
  padding?: Size2d | 'same' | 'valid';
  /** Spacing of the kernel's taps (PyTorch's `dilation`). Default 1. */
  dilation?: Size2d;
  /** Channel groups: input channels and filters split into `groups` independent convolutions. `groups = C` is depthwise. Default 1. */
  groups?: number;
  /** What the padding holds: zeros (default) or a copy of the border (`nn.Conv2d`'s `padding_mode`). */
  paddingMode?: Conv2dPaddingMode;
}

/** Names the call in an error message; formatted only when one is thrown. */
type Where = { toString(): string };

const PADDING_MODES: readonly Conv2dPaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

function pair(value: Size2d): [number, number] {
  return typeof value === 'number' ? [value, value] : [value[0], value[1]];
}

/**
 * The kernel with dilation−1 zeros between its taps: [O, C, kH, kW] → [O, C, (kH−1)·dH+1, (kW−1)·dW+1].
 * NOTE(dilation-by-zeros): a dilated convolution is the plain one with this kernel, built from
 * pad/reshape/slice so its gradient is theirs. It multiplies the skipped inputs by zero, so an
 * infinite or NaN input that PyTorch's dilated kernel never reads makes NaN here; and it costs the
 * multiplications of the larger kernel.
 */
function dilateKernel(weight: Tensor, dilationHeight: number, dilationWidth: number): Tensor {
  const [out, channels, kernelHeight, kernelWidth] = weight.shape as [number, number, number, number];
  let w = weight;
  if (dilationWidth > 1) {
    w = w
      .unsqueeze(4)
      .pad([0, dilationWidth - 1])
      .reshape([out, channels, kernelHeight, kernelWidth * dilationWidth]);
    w = w.slice(3, 0, (kernelWidth - 1) * dilationWidth + 1);
  }
  if (dilationHeight > 1) {
    const width = w.shape[3]!;
    w = w
      .unsqueeze(3)
      .pad([0, 0, 0, dilationHeight - 1])
      .reshape([out, channels, kernelHeight * dilationHeight, width]);
    w = w.slice(2, 0, (kernelHeight - 1) * dilationHeight + 1);
  }
  return w;
}

/**
 * Refuses padding 'same' with a stride other than 1, as PyTorch does (`padding='same' is not
 * supported for strided convolutions`): the output could not be as large as the input. nn.Conv2d
 * calls it at construction, conv2d at each call.
 */
export function checkSamePaddingStride(
  where: Where,
  padding: Conv2dOptions['padding'],
  stride: readonly [number, number],
): void {
  if (padding !== 'same' || (stride[0] === 1 && stride[1] === 1)) return;
  throw new Error(
    `${where}: padding 'same' is not supported for strided convolutions (stride ${stride[0]}×${stride[1]}), as in PyTorch; use stride 1, or give the padding as numbers`,
  );
}

/** [top, bottom, left, right] padding from the option, PyTorch's 'same' split included. */
function resolvePadding(
  padding: Conv2dOptions['padding'],
  kernel: [number, number],
  dilation: [number, number],
  stride: [number, number],
  where: Where,
): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    checkSamePaddingStride(where, padding, stride);
    const totalHeight = dilation[0] * (kernel[0] - 1);
    const totalWidth = dilation[1] * (kernel[1] - 1);
    const top = Math.floor(totalHeight / 2);
    const left = Math.floor(totalWidth / 2);
    return [top, totalHeight - top, left, totalWidth - left];
  }
  const [height, width] = pair(padding ?? 0);
  return [height, height, width, width];
}

function checkInteger(where: Where, name: string, value: number, minimum: number): void {
  if (!Number.isInteger(value) || value < minimum)
    throw new Error(`${where}: ${name} must be an integer ≥ ${minimum}, got ${String(value).slice(0, 80)}`);
}

/**
 * 2-D convolution (cross-correlation, like PyTorch's `F.conv2d`) of input [N, C, H, W] with weight
 * [O, C/groups, kH, kW]: output [N, O, outH, outW], outH = ⌊(H + padTop + padBottom − dH·(kH − 1) − 1) / stride⌋ + 1.
 *
 * @example
 * ```ts
 * const y = conv2d(images, weight, { bias, stride: 1, padding: 2 }); // [N,1,28,28] * [6,1,5,5] → [N,6,28,28]
 * conv2d(x, depthwise, { groups: 32, padding: 'same', paddingMode: 'reflect' }); // x [N,32,H,W], depthwise [32,1,3,3]
 * ```
 */
export function conv2d(input: Tensor, weight: Tensor, options: Conv2dOptions = {}): Tensor {
  requireTensor('conv2d', 'input', input);
  requireTensor('conv2d', 'weight', weight);
  // Built only for an error message: formatting shapes on every call would cost the training loop.
  const where = { toString: () => `conv2d (input ${formatShape(input.shape)}, weight ${formatShape(weight.shape)})` };
  const groups = options.groups ?? 1;
  checkInteger(where, 'groups', groups, 1);
  if (
    input.ndim !== 4 ||
    weight.ndim !== 4 ||
    input.shape[1] !== weight.shape[1]! * groups ||
    weight.shape[0]! % groups !== 0
  ) {
    throw new Error(
      `conv2d: expected input [N,C,H,W] and weight [O,C/groups,kH,kW] with O and C divisible by groups (${groups}), got ${formatShape(input.shape)} and ${formatShape(weight.shape)}`,
    );
  }
  const stride = pair(options.stride ?? 1);
  const dilation = pair(options.dilation ?? 1);
  dilation.forEach((d) => checkInteger(where, 'dilation', d, 1));
  const paddingMode = options.paddingMode ?? 'zeros';
  if (!PADDING_MODES.includes(paddingMode))
    throw new Error(
      `${where}: paddingMode must be one of ${PADDING_MODES.join(', ')}, got ${String(paddingMode).slice(0, 80)}`,
    );
  const kernel: [number, number] = [weight.shape[2]!, weight.shape[3]!];
  const [top, bottom, left, right] = resolvePadding(options.padding, kernel, dilation, stride, where);
  [top, left].forEach((p) => checkInteger(where, 'padding', p, 0));

  let x = input;
  let padding: [number, number] = [top, left];
  if (paddingMode !== 'zeros' || top !== bottom || left !== right) {
    // PyTorch's nn.Conv2d pads with the mode first and convolves unpadded; 'same' with an odd total pads one more after.
    if (top + bottom + left + right > 0)
      x = x.pad([left, right, top, bottom], paddingMode === 'zeros' ? 0 : { mode: paddingMode });
    padding = [0, 0];
  }
  const w = dilation[0] > 1 || dilation[1] > 1 ? dilateKernel(weight, dilation[0], dilation[1]) : weight;
  const { bias } = options;
  if (bias !== undefined && bias !== null && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new Error(
      `conv2d: bias must have shape [${weight.shape[0]}] (one per output channel), got ${formatShape(bias.shape)}`,
    );
  }
  if (groups === 1) return convolve(x, w, bias ?? null, stride, padding, where);
  const inPerGroup = input.shape[1]! / groups;
  const outPerGroup = weight.shape[0]! / groups;
  const parts = Array.from({ length: groups }, (_, g) =>
    convolve(
      x.slice(1, g * inPerGroup, (g + 1) * inPerGroup),
      w.slice(0, g * outPerGroup, (g + 1) * outPerGroup),
      bias === undefined || bias === null ? null : bias.slice(0, g * outPerGroup, (g + 1) * outPerGroup),
      stride,
      padding,
      where,
    ),
  );
  return Tensor.fromPrimitive('concat', parts, concatPrimitive(parts, 1));
}

/** Refuses a wrong JS type at the entry of a function: `conv2d: weight must be a Tensor, got string`. */
export function requireTensor(op: string, name: string, value: unknown): void {
  if (!(value instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor, got ${describeType(value)}`);
}

/** The fused primitive: one plain convolution with symmetric zero padding. */
function convolve(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  stride: [number, number],
  padding: [number, number],
  where: Where,
): Tensor {
  const [batch, channels, height, width] = input.shape as [number, number, number, number];
  let geometry;
  try {
    geometry = conv2dGeometry({
      batch,
      channels,
      height,
      width,
      kernelHeight: weight.shape[2]!,
      kernelWidth: weight.shape[3]!,
      strideHeight: stride[0],
      strideWidth: stride[1],
      padHeight: padding[0],
      padWidth: padding[1],
    });
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message.replace('conv2dGeometry: ', '')}`);
  }
  checkConvStorage('conv2d', geometry, weight.shape[0]!);
  if (bias === null) return Tensor.fromPrimitive('conv2d', [input, weight], convPrimitive(input, weight, geometry));
  return Tensor.fromPrimitive('conv2d', [input, weight, bias], convPrimitive(input, weight, geometry, bias));
}
