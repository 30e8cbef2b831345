// conv2d (NCHW, via im2col + matmul) and max/avg pooling primitives with their backward rules.
// Arguments arrive validated by tensor/functional. Imports kernels and graph types only.
import type { PrimitiveResult, RawTensor } from '../../autograd/graph.js';
import { addInto } from '../../kernels/elementwise.js';
import { col2im, im2col, type Conv2dGeometry } from '../../kernels/conv.js';
import { matmulInto, transposeInto } from '../../kernels/matmul.js';
import { avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward } from '../../kernels/pool.js';

/** Output shape [N, channels, outH, outW] of a window sweep. */
function outputShape(g: Conv2dGeometry, channels: number): number[] {
  return [g.batch, channels, g.outHeight, g.outWidth];
}

/**
 * Cross-correlation of x [N, C, H, W] with weight [O, C, kH, kW] over geometry `g`
 * (no bias: that is a broadcast add). Each image is unfolded by im2col and multiplied by the
 * weight matrix [O × C·kH·kW]; backward recomputes the columns rather than keeping them.
 */
export function conv2d(x: RawTensor, weight: RawTensor, g: Conv2dGeometry): PrimitiveResult {
  const outChannels = weight.shape[0]!;
  const patch = g.channels * g.kernelHeight * g.kernelWidth;
  const positions = g.outHeight * g.outWidth;
  const columns = new Float32Array(patch * positions);
  const out = new Float32Array(g.batch * outChannels * positions);
  for (let n = 0; n < g.batch; n++) {
    im2col(x.data, g, n, columns);
    matmulInto(weight.data, columns, out, outChannels, patch, positions, 0, 0, n * outChannels * positions);
  }
  return {
    output: { data: out, shape: outputShape(g, outChannels) },
    backward: ({ data: gradient }, [needsX, needsWeight]) => {
      const gradientX = needsX ? new Float32Array(x.data.length) : null;
      const gradientWeight = needsWeight ? new Float32Array(weight.data.length) : null;
      const weightTransposed = new Float32Array(patch * outChannels);
      transposeInto(weight.data, weightTransposed, outChannels, patch);
      const columnsTransposed = new Float32Array(positions * patch);
      const weightPart = new Float32Array(weight.data.length);
      const gradientColumns = new Float32Array(patch * positions);
      for (let n = 0; n < g.batch; n++) {
        const offset = n * outChannels * positions;
        if (gradientWeight !== null) {
          // dWeight += dOut_n [O × L] · columns_nᵀ [L × patch]
          im2col(x.data, g, n, columns);
          transposeInto(columns, columnsTransposed, patch, positions);
          matmulInto(gradient, columnsTransposed, weightPart, outChannels, positions, patch, offset, 0, 0);
          addInto(gradientWeight, weightPart);
        }
        if (gradientX !== null) {
          // dx_n = col2im(weightᵀ [patch × O] · dOut_n [O × L]); a first layer's input needs none.
          matmulInto(weightTransposed, gradient, gradientColumns, patch, outChannels, positions, 0, offset, 0);
          col2im(gradientColumns, g, n, gradientX);
        }
      }
      return [
        gradientX && { data: gradientX, shape: x.shape },
        gradientWeight && { data: gradientWeight, shape: weight.shape },
      ];
    },
  };
}

/** Max pooling; the gradient goes to the element that won each window (first on ties). */
export function maxPool2d(x: RawTensor, g: Conv2dGeometry): PrimitiveResult {
  const shape = outputShape(g, g.channels);
  const out = new Float32Array(g.batch * g.channels * g.outHeight * g.outWidth);
  const winners = new Int32Array(out.length);
  maxPool2dForward(x.data, g, out, winners);
  return {
    output: { data: out, shape },
    backward: ({ data: gradient }) => {
      const gradientX = new Float32Array(x.data.length);
      maxPool2dBackward(gradient, winners, gradientX);
      return [{ data: gradientX, shape: x.shape }];
    },
  };
}

/** Average pooling; padding counts in the divisor (PyTorch's count_include_pad=True). */
export function avgPool2d(x: RawTensor, g: Conv2dGeometry): PrimitiveResult {
  const shape = outputShape(g, g.channels);
  const out = new Float32Array(g.batch * g.channels * g.outHeight * g.outWidth);
  avgPool2dForward(x.data, g, out);
  return {
    output: { data: out, shape },
    backward: ({ data: gradient }) => {
      const gradientX = new Float32Array(x.data.length);
      avgPool2dBackward(gradient, g, gradientX);
      return [{ data: gradientX, shape: x.shape }];
    },
  };
}
