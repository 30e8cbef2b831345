// The adaptive average pooling primitive (NCHW) with its backward rule. Arguments arrive validated
// by tensor/functional. Imports kernels and graph types only.
import type { PrimitiveResult, RawTensor } from '../../autograd/graph.js';
import { adaptiveAvgPool2dBackward, adaptiveAvgPool2dForward } from '../../kernels/adaptive-pool.js';

/** Mean over PyTorch's adaptive windows of x [N, C, H, W] → [N, C, outHeight, outWidth]. */
export function adaptiveAvgPool2d(x: RawTensor, outHeight: number, outWidth: number): PrimitiveResult {
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const sweep = { planes: batch * channels, height, width, outHeight, outWidth };
  const out = new Float32Array(sweep.planes * outHeight * outWidth);
  adaptiveAvgPool2dForward(x.data, sweep, out);
  return {
    output: { data: out, shape: [batch, channels, outHeight, outWidth] },
    backward: ({ data: gradient }) => {
      const gradientX = new Float32Array(x.data.length);
      adaptiveAvgPool2dBackward(gradient, sweep, gradientX);
      return [{ data: gradientX, shape: x.shape }];
    },
  };
}
