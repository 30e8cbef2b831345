// conv2d (NCHW, with a fused bias) and max/avg pooling primitives: their backward rules over the
// kernels' one entry per pass (kernels/conv2d.ts chooses WebAssembly or TypeScript). Arguments
// arrive validated by tensor/functional. Imports kernels and graph types only.
import type { BackwardRule, PrimitiveResult, RawTensor } from '../../autograd/graph.js';
import type { Conv2dGeometry } from '../../kernels/conv.js';
import { conv2dBackwardInto, conv2dForwardInto } from '../../kernels/conv2d.js';
import { avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward } from '../../kernels/pool.js';
import type { PoolSweep } from '../../kernels/pool-geometry.js';

/** Output shape [N, channels, outH, outW] of a window sweep. */
function outputShape(g: Conv2dGeometry, channels: number): number[] {
  return [g.batch, channels, g.outHeight, g.outWidth];
}

/**
 * Cross-correlation of x [N, C, H, W] with weight [O, C, kH, kW] over geometry `g` plus an optional
 * per-channel bias (NOTE(fused-bias) in kernels/conv2d.ts). The backward rule recomputes what it
 * needs from x and the weight rather than keeping the forward pass's columns.
 */
export function conv2d(
  x: RawTensor,
  weight: RawTensor,
  g: Conv2dGeometry,
  bias: RawTensor | null = null,
): PrimitiveResult {
  const outChannels = weight.shape[0]!;
  const out = new Float32Array(g.batch * outChannels * g.outHeight * g.outWidth);
  conv2dForwardInto({ x: x.data, weight: weight.data, bias: bias?.data ?? null, outChannels, g }, out);
  return { output: { data: out, shape: outputShape(g, outChannels) }, backward: conv2dBackward(x, weight, g, bias) };
}

/** The backward rule of {@link conv2d}: the gradients its inputs need, and only those. */
function conv2dBackward(x: RawTensor, weight: RawTensor, g: Conv2dGeometry, bias: RawTensor | null): BackwardRule {
  const outChannels = weight.shape[0]!;
  return ({ data: gradient }, [needsX, needsWeight, needsBias]) => {
    const gradients = {
      input: needsX ? new Float32Array(x.data.length) : null,
      weight: needsWeight ? new Float32Array(weight.data.length) : null,
      bias: bias !== null && needsBias === true ? new Float32Array(outChannels) : null,
    };
    conv2dBackwardInto({ x: x.data, weight: weight.data, outChannels, g }, gradient, gradients);
    const result = [
      gradients.input && { data: gradients.input, shape: x.shape },
      gradients.weight && { data: gradients.weight, shape: weight.shape },
    ];
    return bias === null ? result : [...result, gradients.bias && { data: gradients.bias, shape: bias.shape }];
  };
}

/** Max pooling (dilated windows too); the gradient goes to the element that won each window (first on ties). */
export function maxPool2d(x: RawTensor, g: PoolSweep): PrimitiveResult {
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

/** Average pooling; padding counts in the divisor unless `g.countIncludePad` is false (PyTorch's rules). */
export function avgPool2d(x: RawTensor, g: PoolSweep): PrimitiveResult {
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
