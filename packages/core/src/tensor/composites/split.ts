// split: a tensor cut into consecutive slices along one axis. A composite of slice.
// Imports the Tensor type only (a runtime import would close a cycle with tensor.ts).
import { normalizeAxis } from '../../kernels/shape.js';
import type { Tensor } from '../tensor.js';

export function split(x: Tensor, sizes: number | readonly number[], axis: number): Tensor[] {
  const resolved = normalizeAxis('split', axis, x.ndim);
  const length = x.shape[resolved]!;
  let pieces: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes < 1) throw new Error(`split: size must be a positive integer, got ${sizes}`);
    pieces = Array.from({ length: Math.ceil(length / sizes) }, (_, i) => Math.min(sizes, length - i * sizes));
  } else {
    pieces = [...sizes];
    const total = pieces.reduce((sum, size) => sum + size, 0);
    if (pieces.some((size) => !Number.isInteger(size) || size < 0) || total !== length) {
      throw new Error(
        `split: sizes [${pieces.join(',')}] must be non-negative integers summing to ${length}, the length of axis ${resolved}`,
      );
    }
  }
  let start = 0;
  return pieces.map((size) => {
    const piece = x.slice(resolved, start, start + size);
    start += size;
    return piece;
  });
}
