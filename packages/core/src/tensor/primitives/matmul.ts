// Batched matrix product [..., m, k] @ [..., k, n] with broadcast batch axes, and its backward.
// 1-D operands are handled by the composite in ops/. Imports kernels and graph types only.
import type { PrimitiveResult, RawTensor } from '../../autograd/graph.js';
import { matmulInto, matmulTransposeAInto, matmulTransposeBInto } from '../../kernels/matmul-backend.js';
import { checkElements } from '../../kernels/element-limit.js';
import { broadcastShapes, broadcastStrides, formatShape, sizeOf, type Shape } from '../../kernels/shape.js';

/** Start of each batch's matrix inside an operand of `batchShape`, for every output batch index. */
function batchOffsets(batchShape: Shape, outBatch: Shape, matrixSize: number): Int32Array {
  const strides = broadcastStrides(batchShape, outBatch);
  const count = sizeOf(outBatch);
  const offsets = new Int32Array(count);
  for (let batch = 0; batch < count; batch++) {
    let rest = batch;
    let offset = 0;
    for (let axis = outBatch.length - 1; axis >= 0; axis--) {
      offset += (rest % outBatch[axis]!) * strides[axis]!;
      rest = Math.floor(rest / outBatch[axis]!);
    }
    offsets[batch] = offset * matrixSize;
  }
  return offsets;
}

/** a [..., m, k] @ b [..., k, n] → [...broadcast batch, m, n]; both operands have rank ≥ 2. */
export function matmul(a: RawTensor, b: RawTensor): PrimitiveResult {
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [kB, n] = b.shape.slice(-2) as [number, number];
  if (k !== kB) {
    throw new Error(
      `matmul: inner dimensions differ: ${formatShape(a.shape)} @ ${formatShape(b.shape)} (${k} ≠ ${kB})`,
    );
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShapes('matmul (batch axes)', batchA, batchB);
  checkElements('matmul', [...batch, m, n], 'output shape');
  const batches = sizeOf(batch);
  const offsetsA = batchOffsets(batchA, batch, m * k);
  const offsetsB = batchOffsets(batchB, batch, k * n);
  const out = new Float32Array(batches * m * n);
  for (let i = 0; i < batches; i++) matmulInto(a.data, b.data, out, m, k, n, offsetsA[i], offsetsB[i], i * m * n);
  return {
    output: { data: out, shape: [...batch, m, n] },
    backward: ({ data: g }, [needsA, needsB]) => {
      // dA = G·Bᵀ and dB = Aᵀ·G per batch, in the broadcast batch shape (the engine sums back).
      // The transposed kernels read Bᵀ and Aᵀ in place: no transposed copies.
      let gradientA: RawTensor | null = null;
      let gradientB: RawTensor | null = null;
      if (needsA) {
        const data = new Float32Array(batches * m * k);
        for (let i = 0; i < batches; i++)
          matmulTransposeBInto(g, b.data, data, m, n, k, i * m * n, offsetsB[i], i * m * k);
        gradientA = { data, shape: [...batch, m, k] };
      }
      if (needsB) {
        const data = new Float32Array(batches * k * n);
        for (let i = 0; i < batches; i++)
          matmulTransposeAInto(a.data, g, data, k, m, n, offsetsA[i], i * m * n, i * k * n);
        gradientB = { data, shape: [...batch, k, n] };
      }
      return [gradientA, gradientB];
    },
  };
}
