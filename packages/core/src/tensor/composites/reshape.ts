// Shape composites over reshape and permute: flatten, squeeze, unsqueeze, transpose.
// Imports the Tensor type only (a runtime import would close a cycle with tensor.ts).
import { normalizeAxis } from '../../kernels/shape.js';
import type { Tensor } from '../tensor.js';

export function flatten(x: Tensor, startAxis: number, endAxis: number): Tensor {
  if (x.ndim === 0) return x.reshape([1]);
  const start = normalizeAxis('flatten', startAxis, x.ndim);
  const end = normalizeAxis('flatten', endAxis, x.ndim);
  if (start > end) throw new Error(`flatten: startAxis (${startAxis}) comes after endAxis (${endAxis})`);
  const merged = x.shape.slice(start, end + 1).reduce((product, length) => product * length, 1);
  return x.reshape([...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)]);
}

export function squeeze(x: Tensor, axis?: number): Tensor {
  if (axis === undefined) return x.reshape(x.shape.filter((length) => length !== 1));
  const resolved = normalizeAxis('squeeze', axis, x.ndim);
  if (x.shape[resolved] !== 1) return x;
  return x.reshape(x.shape.filter((_, a) => a !== resolved));
}

export function unsqueeze(x: Tensor, axis: number): Tensor {
  const resolved = normalizeAxis('unsqueeze', axis, x.ndim + 1);
  return x.reshape([...x.shape.slice(0, resolved), 1, ...x.shape.slice(resolved)]);
}

export function transpose(x: Tensor, axis0: number, axis1: number): Tensor {
  const a = normalizeAxis('transpose', axis0, x.ndim);
  const b = normalizeAxis('transpose', axis1, x.ndim);
  const order = x.shape.map((_, axis) => (axis === a ? b : axis === b ? a : axis));
  return x.permute(order);
}
