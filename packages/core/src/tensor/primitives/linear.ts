// The fused affine map of nn.Linear, y = x·Wᵀ + b over the last axis, and its backward — one
// primitive instead of transpose (a copy of W), matmul, broadcast add and the engine's un-broadcast
// sum of the bias gradient. Imports kernels and graph types only.
import type { PrimitiveResult, RawTensor } from '../../autograd/graph.js';
import { checkElements } from '../../kernels/element-limit.js';
import { matmulInto, matmulTransposeAInto, matmulTransposeBInto } from '../../kernels/matmul-backend.js';

/**
 * input [..., in], weight [out, in], bias [out] or null → [..., out]. Shapes are checked by the
 * caller (`linear` in functional.ts).
 *
 * NOTE(fused-linear): the weight is read transposed in place (matmulTransposeBInto) and the bias
 * added row by row, so the forward allocates only its output; the backward computes dX = G·W,
 * dW = Gᵀ·X (transposed read of G) and db = column sums of G, each only if needed. Per-op overhead,
 * not arithmetic, is what holds small-batch training back (see issue 7).
 */
export function linear(input: RawTensor, weight: RawTensor, bias: RawTensor | null): PrimitiveResult {
  const [outFeatures, inFeatures] = weight.shape as [number, number];
  const rows = inFeatures === 0 ? 0 : input.data.length / inFeatures;
  checkElements('linear', [...input.shape.slice(0, -1), outFeatures], 'output shape');
  const out = new Float32Array(rows * outFeatures);
  matmulTransposeBInto(input.data, weight.data, out, rows, inFeatures, outFeatures, 0, 0, 0);
  if (bias !== null) {
    const b = bias.data;
    for (let row = 0, offset = 0; row < rows; row++, offset += outFeatures) {
      for (let j = 0; j < outFeatures; j++) out[offset + j] = out[offset + j]! + b[j]!;
    }
  }
  return {
    output: { data: out, shape: [...input.shape.slice(0, -1), outFeatures] },
    backward: ({ data: g }, [needsInput, needsWeight, needsBias]) => {
      let gradientInput: RawTensor | null = null;
      let gradientWeight: RawTensor | null = null;
      let gradientBias: RawTensor | null = null;
      if (needsInput) {
        const data = new Float32Array(rows * inFeatures);
        matmulInto(g, weight.data, data, rows, outFeatures, inFeatures, 0, 0, 0);
        gradientInput = { data, shape: input.shape };
      }
      if (needsWeight) {
        const data = new Float32Array(outFeatures * inFeatures);
        matmulTransposeAInto(g, input.data, data, outFeatures, rows, inFeatures, 0, 0, 0);
        gradientWeight = { data, shape: weight.shape };
      }
      if (bias !== null && needsBias === true) {
        // Summed in float64, as the engine's un-broadcast sum of the unfused add was (a float32
        // running sum over 60,000 rows drifted to 8e-6 relative error against 3e-8).
        const sums = new Float64Array(outFeatures);
        for (let row = 0, offset = 0; row < rows; row++, offset += outFeatures) {
          for (let j = 0; j < outFeatures; j++) sums[j] = sums[j]! + g[offset + j]!;
        }
        gradientBias = { data: Float32Array.from(sums), shape: bias.shape };
      }
      return bias === null ? [gradientInput, gradientWeight] : [gradientInput, gradientWeight, gradientBias];
    },
  };
}
