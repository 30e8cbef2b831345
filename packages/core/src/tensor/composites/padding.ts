// Padding beyond constant: reflect, replicate and circular modes, and negative padding (cropping),
// composed from slice, indexSelect and constant pad. Imports the Tensor type only.
import { formatShape } from '../../kernels/shape.js';
import type { Tensor } from '../tensor.js';

/** How `pad` fills the new border: PyTorch's `F.pad` modes. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Options of `Tensor.pad`. */
export interface PadOptions {
  /** Default 'constant'. */
  mode?: PadMode;
  /** The fill of 'constant' mode. Default 0. */
  value?: number;
}

const MODES: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

/** Source index along an axis of `size` for output position `i` of a border `before` wide, per mode. */
function sourceIndex(mode: Exclude<PadMode, 'constant'>, i: number, before: number, size: number): number {
  const j = i - before;
  if (j >= 0 && j < size) return j;
  if (mode === 'replicate') return j < 0 ? 0 : size - 1;
  if (mode === 'circular') return ((j % size) + size) % size;
  return j < 0 ? -j : 2 * (size - 1) - j; // reflect: mirrored about the edge element, which is not repeated
}

/**
 * `F.pad(x, padding, mode, value)`: pairs (before, after) from the last axis backwards. Negative
 * amounts crop (NOTE(negative-padding) for how each mode orders crop and border). Reflect
 * needs each border shorter than its axis, circular no longer than it; both as in PyTorch, which
 * only allows them on the last 1–3 axes of a batched input — here any axis may be padded.
 */
export function padWithMode(x: Tensor, padding: readonly number[], options: PadOptions): Tensor {
  const { mode = 'constant', value = 0 } = options;
  if (!MODES.includes(mode))
    throw new Error(`pad: mode must be one of ${MODES.join(', ')}, got ${String(mode).slice(0, 80)}`);
  if (padding.length % 2 !== 0 || padding.length > 2 * x.ndim || padding.some((p) => !Number.isInteger(p))) {
    throw new Error(
      `pad: padding [${padding.join(',')}] must be integer pairs, at most one per axis of ${formatShape(x.shape)}`,
    );
  }
  if (mode !== 'constant' && value !== 0)
    throw new Error(`pad: a fill value (${value}) only applies to mode 'constant', not '${mode}'`);
  // NOTE(negative-padding): PyTorch crops first in 'constant' and 'circular' modes (a circular
  // border wraps the cropped tensor), while 'reflect' and 'replicate' index the whole input
  // (out[i] = x[mirror or clamp of i − before]), so their border may copy a row that is cropped.
  const cropFirst = mode === 'constant' || mode === 'circular';
  let out = x;
  const amounts: number[] = [];
  for (let pair = 0; pair < padding.length / 2; pair++) {
    const axis = x.ndim - 1 - pair;
    let before = padding[2 * pair]!;
    let after = padding[2 * pair + 1]!;
    const size = out.shape[axis]!;
    if (Math.max(-before, 0) + Math.max(-after, 0) > size) {
      throw new Error(
        `pad: padding [${padding.join(',')}] crops ${Math.max(-before, 0) + Math.max(-after, 0)} from axis ${axis} of ${formatShape(x.shape)}, which has ${size}`,
      );
    }
    if (cropFirst && (before < 0 || after < 0)) {
      out = out.slice(axis, Math.max(-before, 0), size - Math.max(-after, 0));
      before = Math.max(before, 0);
      after = Math.max(after, 0);
    }
    amounts.push(before, after);
  }
  if (mode === 'constant') return amounts.some((p) => p > 0) ? out.pad(amounts, value) : out;
  for (let pair = 0; pair < amounts.length / 2; pair++) {
    const axis = x.ndim - 1 - pair;
    const before = amounts[2 * pair]!;
    const after = amounts[2 * pair + 1]!;
    if (before === 0 && after === 0) continue;
    const size = out.shape[axis]!;
    const widest = Math.max(before, after);
    if (size === 0)
      throw new Error(`pad: ${mode} padding needs a non-empty axis ${axis} of ${formatShape(out.shape)} to copy from`);
    if ((mode === 'reflect' && widest >= size) || (mode === 'circular' && widest > size)) {
      const limit = mode === 'reflect' ? 'shorter than' : 'at most';
      throw new Error(
        `pad: ${mode} padding (${before}, ${after}) on axis ${axis} of ${formatShape(out.shape)} must be ${limit} the axis (${size}); pad less or use mode 'replicate' or 'constant'`,
      );
    }
    const indices = Array.from({ length: before + size + after }, (_, i) => sourceIndex(mode, i, before, size));
    out = out.indexSelect(axis, indices);
  }
  return out;
}
