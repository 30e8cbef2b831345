// The one limit on a tensor's element count, checked on a shape before its storage is allocated.
// Pure functions on shapes and one module-level setting; imports only kernels/shape.

import type { Conv2dGeometry } from './conv.js';
import { formatShape, type Shape } from './shape.js';

// NOTE(element-limit): every storage allocated from a shape (factories, and ops whose output
// shape is computed: broadcasting, matmul, pad, expand, conv, indexSelect, …) is checked against
// ONE limit first, so a hostile shape (a file's header, a flag, a typo like [1e9, 1e9]) is a
// clear error instead of minutes of filling memory or V8's bare `RangeError: Invalid typed array
// length`. The default, 2^28 elements (1 GiB of float32), is ~5.7× the whole 60,000-image MNIST
// training set as float32 (47 M elements) and ~400× the largest tensors of the bundled models,
// yet an op that holds its inputs, its output and their gradients (4–5 such buffers) still fits
// in the memory of an ordinary machine; V8 itself refuses typed arrays above 2^32 elements.
const DEFAULT_MAX_TENSOR_ELEMENTS = 2 ** 28;
/** V8's largest typed array: the limit cannot be raised past what can be allocated at all. */
const HARD_MAX_TENSOR_ELEMENTS = 2 ** 32;

let maxElements = DEFAULT_MAX_TENSOR_ELEMENTS;

/**
 * The most axes a tensor may have: PyTorch's own maximum (64). Deeper nesting is taken as hostile
 * input (e.g. a cyclic array given to `tensor()`), not data.
 */
export const MAX_TENSOR_RANK = 64;

/**
 * The largest number of elements a tensor may have (default 2^28 = 268,435,456, 1 GiB of
 * float32). See {@link setMaxTensorElements}.
 *
 * @example
 * ```ts
 * maxTensorElements(); // 268435456
 * ```
 */
export function maxTensorElements(): number {
  return maxElements;
}

/**
 * Sets the element limit checked before any tensor storage is allocated from a shape; returns
 * the previous limit (so a caller can restore it). At most 2^32 (V8's typed-array maximum).
 *
 * @example
 * ```ts
 * const previous = setMaxTensorElements(2 ** 30); // 4 GiB of float32 per tensor
 * // … work with big tensors …
 * setMaxTensorElements(previous);
 * ```
 */
export function setMaxTensorElements(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > HARD_MAX_TENSOR_ELEMENTS) {
    throw new Error(
      `setMaxTensorElements: limit must be an integer in [1, 2^32 = ${HARD_MAX_TENSOR_ELEMENTS}], got ${String(limit)}`,
    );
  }
  const previous = maxElements;
  maxElements = limit;
  return previous;
}

/**
 * Checks a shape an op is about to allocate: every length a non-negative integer, the element
 * count within {@link maxTensorElements}. Returns the element count.
 * Throws e.g. `pad: output shape [1000000000,1000000000] has 1e+18 elements, over the limit of
 * 268,435,456 (maxTensorElements); raise it with setMaxTensorElements(n) if the input is trusted`.
 */
export function checkElements(op: string, shape: Shape, what = 'shape'): number {
  if (!Array.isArray(shape)) {
    throw new TypeError(
      `${op}: ${what} must be an array of lengths, e.g. [2, 3], got ${shape === null ? 'null' : typeof shape}`,
    );
  }
  if (shape.length > MAX_TENSOR_RANK) {
    throw new Error(
      `${op}: ${what} has ${shape.length} axes, more than the ${MAX_TENSOR_RANK} a tensor may have (MAX_TENSOR_RANK)`,
    );
  }
  let count = 1;
  for (const length of shape) {
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 0) {
      throw new Error(
        `${op}: ${what} ${formatShape(shape)} must hold non-negative integers, got ${String(length)} (${typeof length})`,
      );
    }
    count *= length;
  }
  if (count > maxElements) {
    throw new Error(
      `${op}: ${what} ${formatShape(shape)} has ${count.toLocaleString('en-US')} elements, over the limit of ` +
        `${maxElements.toLocaleString('en-US')} (maxTensorElements); raise it with setMaxTensorElements(n) if the input is trusted`,
    );
  }
  return count;
}

/**
 * Checks the buffers a convolution or pooling allocates from its geometry against the element
 * limit: the output, one padded image, and one image's unfolded columns.
 *
 * @example
 * ```ts
 * checkConvStorage('conv2d', geometry, outChannels); // before the primitive allocates
 * ```
 */
export function checkConvStorage(op: string, g: Conv2dGeometry, outChannels: number): void {
  checkElements(op, [g.batch, outChannels, g.outHeight, g.outWidth], 'output shape');
  checkElements(op, [g.channels, g.height + 2 * g.padHeight, g.width + 2 * g.padWidth], 'padded image shape');
  checkElements(
    op,
    [g.channels * g.kernelHeight * g.kernelWidth, g.outHeight * g.outWidth],
    'unfolded columns of one image',
  );
}
