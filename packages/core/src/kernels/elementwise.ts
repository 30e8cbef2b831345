// Elementwise kernels on Float32Array: unary maps and binary maps with NumPy broadcasting.
// Imports only kernels/shape; knows nothing of Tensor or autograd.
import { broadcastStrides, sizeOf, type Shape } from './shape.js';

export type UnaryFunction = (x: number) => number;
export type BinaryFunction = (x: number, y: number) => number;

/** out[i] = f(x[i]). */
export function mapUnary(x: Float32Array, f: UnaryFunction): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
  return out;
}

/**
 * out = f(a, b) over the broadcast shape `outShape` (computed by the caller with
 * `broadcastShapes`). Equal shapes and scalar operands take flat loops; everything else walks
 * the output with an odometer whose innermost axis is a strided loop.
 */
export function mapBinary(
  a: Float32Array,
  aShape: Shape,
  b: Float32Array,
  bShape: Shape,
  outShape: Shape,
  f: BinaryFunction,
): Float32Array {
  const size = sizeOf(outShape);
  const out = new Float32Array(size);
  if (a.length === size && b.length === size) {
    for (let i = 0; i < size; i++) out[i] = f(a[i]!, b[i]!);
    return out;
  }
  if (b.length === 1 && a.length === size) {
    const y = b[0]!;
    for (let i = 0; i < size; i++) out[i] = f(a[i]!, y);
    return out;
  }
  if (a.length === 1 && b.length === size) {
    const x = a[0]!;
    for (let i = 0; i < size; i++) out[i] = f(x, b[i]!);
    return out;
  }
  if (size === 0) return out;
  const rank = outShape.length;
  const aStrides = broadcastStrides(aShape, outShape);
  const bStrides = broadcastStrides(bShape, outShape);
  const inner = outShape[rank - 1]!;
  const aInner = aStrides[rank - 1]!;
  const bInner = bStrides[rank - 1]!;
  const index = new Array<number>(rank).fill(0);
  let aOffset = 0;
  let bOffset = 0;
  for (let o = 0; o < size; o += inner) {
    for (let j = 0, ai = aOffset, bi = bOffset; j < inner; j++, ai += aInner, bi += bInner) {
      out[o + j] = f(a[ai]!, b[bi]!);
    }
    // Advance the odometer over every axis but the innermost.
    for (let axis = rank - 2; axis >= 0; axis--) {
      index[axis]!++;
      aOffset += aStrides[axis]!;
      bOffset += bStrides[axis]!;
      if (index[axis]! < outShape[axis]!) break;
      aOffset -= aStrides[axis]! * outShape[axis]!;
      bOffset -= bStrides[axis]! * outShape[axis]!;
      index[axis] = 0;
    }
  }
  return out;
}

/** target[i] += source[i] (equal lengths). The one place where gradients are summed. */
export function addInto(target: Float32Array, source: Float32Array): void {
  for (let i = 0; i < target.length; i++) target[i]! += source[i]!;
}
