// The WebAssembly convolution (implicit im2col + sgemm, col2im from C) against the TypeScript
// kernels it replaces: im2col/col2im with the TypeScript matmul, per image, summed in float64;
// the bias gradient against a float64 sum.
// Odd sizes throughout (not multiples of 4, 8 or the cache blocks), several groups, padding (also
// wider than the kernel) and strides, a 1×1 kernel, batch 1, each gradient alone, and the same bits
// on every run.
import { describe, expect, it } from 'vitest';
import { seededValues } from '../../../test/seeded-values.js';
import { col2im, conv2dGeometry, im2col, type Conv2dGeometry, type Conv2dGeometryOptions } from '../conv.js';
import { matmulJsInto, matmulTransposeAJsInto, matmulTransposeBJsInto } from '../matmul.js';
import { conv2dBackwardWasm, conv2dForwardWasm } from './conv.js';
import { wasmRuntime } from './runtime.js';

const rt = wasmRuntime()!;

interface Case {
  name: string;
  geometry: Conv2dGeometryOptions;
  outChannels: number;
}

const CASES: Case[] = [
  {
    name: 'odd sizes, padding, stride (2, 1)',
    outChannels: 7,
    geometry: {
      batch: 3,
      channels: 5,
      height: 11,
      width: 9,
      kernelHeight: 3,
      kernelWidth: 2,
      strideHeight: 2,
      strideWidth: 1,
      padHeight: 1,
      padWidth: 2,
    },
  },
  {
    name: 'LeNet conv1 (one channel, 25 taps, padding 2)',
    outChannels: 6,
    geometry: {
      batch: 5,
      channels: 1,
      height: 28,
      width: 28,
      kernelHeight: 5,
      kernelWidth: 5,
      strideHeight: 1,
      strideWidth: 1,
      padHeight: 2,
      padWidth: 2,
    },
  },
  {
    name: 'LeNet conv2 (150 taps, no padding)',
    outChannels: 16,
    geometry: {
      batch: 3,
      channels: 6,
      height: 14,
      width: 14,
      kernelHeight: 5,
      kernelWidth: 5,
      strideHeight: 1,
      strideWidth: 1,
      padHeight: 0,
      padWidth: 0,
    },
  },
  {
    name: 'stride 3, one output column, 1×1 output channel',
    outChannels: 1,
    geometry: {
      batch: 2,
      channels: 3,
      height: 7,
      width: 5,
      kernelHeight: 3,
      kernelWidth: 5,
      strideHeight: 3,
      strideWidth: 3,
      padHeight: 0,
      padWidth: 0,
    },
  },
  {
    name: 'batch 1',
    outChannels: 3,
    geometry: {
      batch: 1,
      channels: 2,
      height: 6,
      width: 7,
      kernelHeight: 3,
      kernelWidth: 3,
      strideHeight: 1,
      strideWidth: 1,
      padHeight: 1,
      padWidth: 1,
    },
  },
  {
    name: 'padding ≥ kernel size (outputs that see only zeros)',
    outChannels: 4,
    geometry: {
      batch: 2,
      channels: 3,
      height: 5,
      width: 6,
      kernelHeight: 2,
      kernelWidth: 3,
      strideHeight: 1,
      strideWidth: 2,
      padHeight: 3,
      padWidth: 3,
    },
  },
  {
    name: '1×1 kernel, stride 2',
    outChannels: 5,
    geometry: {
      batch: 3,
      channels: 4,
      height: 9,
      width: 8,
      kernelHeight: 1,
      kernelWidth: 1,
      strideHeight: 2,
      strideWidth: 3,
      padHeight: 0,
      padWidth: 0,
    },
  },
  {
    name: 'depth over the 256-deep block (C·kH·kW = 297)',
    outChannels: 9,
    geometry: {
      batch: 2,
      channels: 11,
      height: 9,
      width: 10,
      kernelHeight: 3,
      kernelWidth: 9,
      strideHeight: 1,
      strideWidth: 1,
      padHeight: 1,
      padWidth: 4,
    },
  },
];

/** Out, dx, dW of the TypeScript kernels, each with Σ|terms| per element (the tolerance's scale). */
function reference(
  x: Float32Array,
  weight: Float32Array,
  gradOut: Float32Array,
  outChannels: number,
  g: Conv2dGeometry,
) {
  const patch = g.channels * g.kernelHeight * g.kernelWidth;
  const positions = g.outHeight * g.outWidth;
  const run = (xs: Float32Array, ws: Float32Array, gs: Float32Array) => {
    const out = new Float32Array(g.batch * outChannels * positions);
    const dx = new Float32Array(x.length);
    const dw = new Float64Array(weight.length);
    const cols = new Float32Array(patch * positions);
    const dCols = new Float32Array(patch * positions);
    const dwImage = new Float32Array(weight.length);
    for (let n = 0; n < g.batch; n++) {
      im2col(xs, g, n, cols);
      const at = n * outChannels * positions;
      matmulJsInto(ws, cols, out, outChannels, patch, positions, 0, 0, at);
      matmulTransposeBJsInto(gs, cols, dwImage, outChannels, positions, patch, at, 0, 0);
      for (let i = 0; i < dw.length; i++) dw[i] += dwImage[i]!;
      matmulTransposeAJsInto(ws, gs, dCols, patch, outChannels, positions, 0, at, 0);
      col2im(dCols, g, n, dx);
    }
    return { out, dx, dw: Float32Array.from(dw) };
  };
  const abs = (values: Float32Array) => values.map(Math.abs);
  return { values: run(x, weight, gradOut), scales: run(abs(x), abs(weight), abs(gradOut)), patch, positions };
}

/** Each element within 2e-6·√terms of its Σ|terms| (float32 sums; see matmul-backend.test.ts). */
function expectClose(
  name: string,
  got: Float32Array,
  expected: Float32Array,
  scale: Float32Array,
  terms: number,
): void {
  const tolerance = 2e-6 * Math.sqrt(terms);
  expect(got.length).toBe(expected.length);
  for (let i = 0; i < got.length; i++) {
    if (!(Math.abs(got[i]! - expected[i]!) <= tolerance * scale[i]! + 1e-30)) {
      expect.fail(`${name}[${i}] = ${got[i]}, expected ${expected[i]} (scale ${scale[i]})`);
    }
  }
}

describe('conv2d on WebAssembly against the TypeScript kernels', () => {
  for (const { name, geometry, outChannels } of CASES) {
    it(name, () => {
      const g = conv2dGeometry(geometry);
      const patch = g.channels * g.kernelHeight * g.kernelWidth;
      const x = seededValues(g.batch * g.channels * g.height * g.width, 1);
      const weight = seededValues(outChannels * patch, 2);
      const bias = seededValues(outChannels, 3);
      const gradOut = seededValues(g.batch * outChannels * g.outHeight * g.outWidth, 4);
      const { values, scales, positions } = reference(x, weight, gradOut, outChannels, g);

      const out = new Float32Array(values.out.length).fill(Number.NaN);
      expect(conv2dForwardWasm(rt, x, weight, null, outChannels, g, out)).toBe(true);
      expectClose('out', out, values.out, scales.out, patch);
      const withBias = new Float32Array(out.length);
      conv2dForwardWasm(rt, x, weight, bias, outChannels, g, withBias);
      for (let i = 0; i < out.length; i++)
        expect(withBias[i]).toBe(Math.fround(out[i]! + bias[Math.floor(i / positions) % outChannels]!));

      const dx = new Float32Array(x.length).fill(Number.NaN);
      const dw = new Float32Array(weight.length).fill(Number.NaN);
      const db = new Float32Array(outChannels).fill(Number.NaN);
      expect(conv2dBackwardWasm(rt, x, weight, gradOut, outChannels, g, { input: dx, weight: dw, bias: db })).toBe(
        true,
      );
      expectClose('dx', dx, values.dx, scales.dx, outChannels * g.kernelHeight * g.kernelWidth);
      expectClose('dW', dw, values.dw, scales.dw, g.batch * positions);
      // The bias gradient, summed in float64 in both: the same float32 value, or one rounding apart.
      for (let o = 0; o < outChannels; o++) {
        let sum = 0;
        for (let n = 0; n < g.batch; n++)
          for (let p = 0; p < positions; p++) sum += gradOut[(n * outChannels + o) * positions + p]!;
        expect(Math.abs(db[o]! - sum)).toBeLessThanOrEqual(Math.abs(Math.fround(sum)) * 2 ** -23);
      }

      // Each gradient alone gives the same bits as both together.
      const dxAlone = new Float32Array(x.length);
      const dwAlone = new Float32Array(weight.length);
      conv2dBackwardWasm(rt, x, weight, gradOut, outChannels, g, { input: dxAlone, weight: null, bias: null });
      const dbAlone = new Float32Array(outChannels);
      conv2dBackwardWasm(rt, x, weight, gradOut, outChannels, g, { input: null, weight: dwAlone, bias: null });
      conv2dBackwardWasm(rt, x, weight, gradOut, outChannels, g, { input: null, weight: null, bias: dbAlone });
      expect(new Uint32Array(dxAlone.buffer)).toEqual(new Uint32Array(dx.buffer));
      expect(new Uint32Array(dwAlone.buffer)).toEqual(new Uint32Array(dw.buffer));
      expect(new Uint32Array(dbAlone.buffer)).toEqual(new Uint32Array(db.buffer));
    });
  }

  it('cuts a large batch into groups of images and gives the same bits on every run', () => {
    // 72 taps × 1,600 positions: ~0.5 MB of columns per image, so 20 images make several groups.
    const g = conv2dGeometry({
      batch: 20,
      channels: 8,
      height: 40,
      width: 40,
      kernelHeight: 3,
      kernelWidth: 3,
      strideHeight: 1,
      strideWidth: 1,
      padHeight: 1,
      padWidth: 1,
    });
    const outChannels = 5;
    const x = seededValues(g.batch * g.channels * g.height * g.width, 5);
    const weight = seededValues(outChannels * 72, 6);
    const gradOut = seededValues(g.batch * outChannels * 1600, 7);
    const { values, scales } = reference(x, weight, gradOut, outChannels, g);
    const runOnce = () => {
      const out = new Float32Array(values.out.length);
      const dx = new Float32Array(x.length);
      const dw = new Float32Array(weight.length);
      conv2dForwardWasm(rt, x, weight, null, outChannels, g, out);
      conv2dBackwardWasm(rt, x, weight, gradOut, outChannels, g, { input: dx, weight: dw, bias: null });
      return { out, dx, dw };
    };
    const first = runOnce();
    expectClose('out', first.out, values.out, scales.out, 72);
    expectClose('dx', first.dx, values.dx, scales.dx, outChannels * 9);
    expectClose('dW', first.dw, values.dw, scales.dw, g.batch * 1600);
    const again = runOnce();
    for (const key of ['out', 'dx', 'dw'] as const) {
      expect(new Uint32Array(again[key].buffer)).toEqual(new Uint32Array(first[key].buffer));
    }
  });
});
