// Tests for the max/average pooling kernels: hand-worked examples plus direct reference loops, and
// max pooling on WebAssembly against the TypeScript kernel. Imports nothing outside kernels/ (plus
// vitest and the seeded test values).

import { afterEach, describe, expect, it } from 'vitest';
import { seededValues } from '../../test/seeded-values.js';
import { kernelBackend, setKernelBackend, type KernelBackend } from './backend.js';
import { conv2dGeometry, type Conv2dGeometry, type Conv2dGeometryOptions } from './conv.js';
import { avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward } from './pool.js';

/** mulberry32: small seeded PRNG, uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomArray(length: number, random: () => number): Float32Array {
  const array = new Float32Array(length);
  for (let i = 0; i < length; i++) array[i] = random() * 2 - 1;
  return array;
}

/** A pooling geometry; `kernel`, `stride`, `pad` set both axes unless the per-axis fields override. */
function geometry(
  opts: Partial<Conv2dGeometryOptions> & { kernel?: number; stride?: number; pad?: number },
): Conv2dGeometry {
  const { kernel = 2, stride = 2, pad = 0, ...rest } = opts;
  return conv2dGeometry({
    batch: 1,
    channels: 1,
    height: 4,
    width: 4,
    kernelHeight: kernel,
    kernelWidth: kernel,
    strideHeight: stride,
    strideWidth: stride,
    padHeight: pad,
    padWidth: pad,
    ...rest,
  });
}

function outputLength(g: Conv2dGeometry): number {
  return g.batch * g.channels * g.outHeight * g.outWidth;
}

function runMaxPool(x: Float32Array, g: Conv2dGeometry): { out: number[]; argmax: number[] } {
  const out = new Float32Array(outputLength(g));
  const argmax = new Int32Array(outputLength(g)).fill(-7);
  maxPool2dForward(x, g, out, argmax);
  return { out: Array.from(out), argmax: Array.from(argmax) };
}

function runAvgPool(x: Float32Array, g: Conv2dGeometry): number[] {
  const out = new Float32Array(outputLength(g));
  avgPool2dForward(x, g, out);
  return Array.from(out);
}

/** Direct pooling over an explicitly padded window; padding is −Infinity for max, 0 for average. */
function referencePool(
  x: Float32Array,
  g: Conv2dGeometry,
  kind: 'max' | 'avg',
): { out: Float64Array; argmax: Int32Array } {
  const { height, width, kernelHeight, kernelWidth, outHeight, outWidth } = g;
  const out = new Float64Array(outputLength(g));
  const argmax = new Int32Array(outputLength(g));
  let o = 0;
  for (let plane = 0; plane < g.batch * g.channels; plane++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        let best = -Infinity;
        let bestIndex = -1;
        let sum = 0;
        for (let kh = 0; kh < kernelHeight; kh++) {
          for (let kw = 0; kw < kernelWidth; kw++) {
            const ih = oh * g.strideHeight - g.padHeight + kh;
            const iw = ow * g.strideWidth - g.padWidth + kw;
            const inside = ih >= 0 && ih < height && iw >= 0 && iw < width;
            const index = (plane * height + ih) * width + iw;
            const value = inside ? x[index]! : kind === 'max' ? -Infinity : 0;
            sum += value;
            if (inside && (bestIndex === -1 || value > best)) {
              best = value;
              bestIndex = index;
            }
          }
        }
        out[o] = kind === 'max' ? best : sum / (kernelHeight * kernelWidth);
        argmax[o] = bestIndex;
        o++;
      }
    }
  }
  return { out, argmax };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

// 4×4 image, 2×2 windows, stride 2. The bottom-right window is a three-way tie of 7s.
const image4x4 = Float32Array.of(1, 3, 2, 0, 4, 2, 1, 5, -1, 0, 7, 7, 6, -2, 7, 3);

// 3×3 all-negative image; with 2×2 windows, stride 2, padding 1 each window holds 1, 2 or 4 real inputs.
const negative3x3 = Float32Array.of(-5, -3, -8, -2, -9, -1, -4, -6, -7);
const padded3x3 = { height: 3, width: 3, kernel: 2, stride: 2, pad: 1 };

const randomCases: { name: string; opts: Parameters<typeof geometry>[0] }[] = [
  { name: '2×3×6×6, 2×2, stride 2', opts: { batch: 2, channels: 3, height: 6, width: 6 } },
  {
    name: '2×2×7×5, 3×3, stride 2, padding 1',
    opts: { batch: 2, channels: 2, height: 7, width: 5, kernel: 3, pad: 1 },
  },
  {
    name: '1×2×5×8, 3×3, stride 1, padding 1 (overlapping)',
    opts: { channels: 2, height: 5, width: 8, kernel: 3, stride: 1, pad: 1 },
  },
  {
    name: '3×1×9×7, 4×5 kernel, stride 3×2, padding 2×2',
    opts: { batch: 3, height: 9, width: 7, kernelHeight: 4, kernelWidth: 5, strideHeight: 3, strideWidth: 2, pad: 2 },
  },
];

describe('maxPool2dForward', () => {
  it('takes the window maximum and records its flat index; a tie goes to the first in row-major order', () => {
    expect(runMaxPool(image4x4, geometry({}))).toEqual({ out: [4, 5, 6, 7], argmax: [4, 7, 12, 10] });
  });

  it('treats padding as −Infinity, so an all-negative window never yields 0', () => {
    expect(runMaxPool(negative3x3, geometry(padded3x3))).toEqual({ out: [-5, -3, -2, -1], argmax: [0, 1, 3, 5] });
  });

  it('records a real index even when every real input is −Infinity', () => {
    const x = new Float32Array(4).fill(-Infinity);
    const g = geometry({ height: 2, width: 2, pad: 1 });
    expect(runMaxPool(x, g)).toEqual({ out: [-Infinity, -Infinity, -Infinity, -Infinity], argmax: [0, 1, 2, 3] });
  });

  it('propagates NaN, recording the first NaN', () => {
    const x = Float32Array.of(1, NaN, 9, NaN);
    const g = geometry({ height: 2, width: 2 });
    const result = runMaxPool(x, g);
    expect(result.out[0]).toBeNaN();
    expect(result.argmax).toEqual([1]);
  });

  it('indexes the whole N·C·H·W input across batch and channels', () => {
    const x = Float32Array.of(0, 3, 1, 2, 7, 4, 5, 6, 8, 9, 11, 10, 15, 12, 13, 14);
    const g = geometry({ batch: 2, channels: 2, height: 2, width: 2 });
    expect(runMaxPool(x, g)).toEqual({ out: [3, 7, 11, 15], argmax: [1, 4, 10, 12] });
  });

  it.each(randomCases)('matches a direct reference: $name', ({ opts }) => {
    const g = geometry(opts);
    const x = randomArray(g.batch * g.channels * g.height * g.width, mulberry32(0x3a9 + g.height * 31 + g.width));
    const expected = referencePool(x, g, 'max');
    const actual = runMaxPool(x, g);
    expect(actual.out).toEqual(Array.from(expected.out));
    expect(actual.argmax).toEqual(Array.from(expected.argmax));
  });

  it('rejects padding over half the kernel and buffers of the wrong length', () => {
    const x = new Float32Array(16);
    const tooMuchPadding = geometry({ kernel: 2, pad: 2 });
    expect(() =>
      maxPool2dForward(
        x,
        tooMuchPadding,
        new Float32Array(outputLength(tooMuchPadding)),
        new Int32Array(outputLength(tooMuchPadding)),
      ),
    ).toThrow(/maxPool2dForward: padding 2×2 is more than half the kernel 2×2; use padding ≤ 1×1/);
    const g = geometry({});
    expect(() => maxPool2dForward(x, g, new Float32Array(4), new Int32Array(3))).toThrow(
      /argmaxIndex has length 3, expected 4/,
    );
    expect(() => maxPool2dForward(x, g, new Float32Array(5), new Int32Array(5))).toThrow(
      /out has length 5, expected 1·1·2·2 = 4/,
    );
  });
});

describe('maxPool2dBackward', () => {
  it('adds each output gradient at its recorded index', () => {
    const { argmax } = runMaxPool(image4x4, geometry({}));
    const gradInput = new Float32Array(16);
    maxPool2dBackward(Float32Array.of(1, 2, 3, 4), Int32Array.from(argmax), gradInput);
    const expected = new Array(16).fill(0);
    expected[4] = 1;
    expected[7] = 2;
    expected[12] = 3;
    expected[10] = 4; // the tie's gradient goes only to the first 7
    expect(Array.from(gradInput)).toEqual(expected);
  });

  it('accumulates when overlapping windows pick the same input, and into existing gradient', () => {
    // 2×3 image, 2×2 windows, stride 1: both windows choose the 9.
    const x = Float32Array.of(1, 9, 2, 3, 4, 5);
    const g = geometry({ height: 2, width: 3, stride: 1 });
    const { out, argmax } = runMaxPool(x, g);
    expect(out).toEqual([9, 9]);
    const gradInput = new Float32Array(6).fill(0.5);
    maxPool2dBackward(Float32Array.of(1, 2), Int32Array.from(argmax), gradInput);
    expect(Array.from(gradInput)).toEqual([0.5, 3.5, 0.5, 0.5, 0.5, 0.5]);
  });

  it('rejects an argmaxIndex that does not match gradOut', () => {
    expect(() => maxPool2dBackward(new Float32Array(4), new Int32Array(3), new Float32Array(16))).toThrow(
      /maxPool2dBackward: argmaxIndex has length 3 but gradOut has length 4/,
    );
  });
});

describe('avgPool2dForward', () => {
  it('averages each window', () => {
    expect(runAvgPool(image4x4, geometry({}))).toEqual([2.5, 2, 0.75, 6]);
  });

  it('counts padding in the divisor (count_include_pad=True): always divides by kH·kW', () => {
    // Windows hold {-5}, {-3, -8}, {-2, -4}, {-9, -1, -6, -7}; each sum is divided by 4.
    expect(runAvgPool(negative3x3, geometry(padded3x3))).toEqual([-1.25, -2.75, -1.5, -5.75]);
  });

  it.each(randomCases)('matches a direct reference: $name', ({ opts }) => {
    const g = geometry(opts);
    const x = randomArray(g.batch * g.channels * g.height * g.width, mulberry32(0xa76 + g.height * 31 + g.width));
    const expected = referencePool(x, g, 'avg').out;
    const actual = runAvgPool(x, g);
    for (let i = 0; i < actual.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 6);
  });
});

describe('avgPool2dBackward', () => {
  it('spreads gradOut / (kH·kW) over each window', () => {
    const gradInput = new Float32Array(16);
    avgPool2dBackward(Float32Array.of(4, 8, -4, 2), geometry({}), gradInput);
    expect(Array.from(gradInput)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, -1, -1, 0.5, 0.5, -1, -1, 0.5, 0.5]);
  });

  it('drops the share that fell on padding, and accumulates', () => {
    const gradInput = new Float32Array(9).fill(10);
    avgPool2dBackward(Float32Array.of(4, 8, 12, 16), geometry(padded3x3), gradInput);
    // Windows: {0} gets 4/4, {1, 2} get 8/4, {3, 6} get 12/4, {4, 5, 7, 8} get 16/4.
    expect(Array.from(gradInput)).toEqual([11, 12, 12, 13, 14, 14, 13, 14, 14]);
  });

  it.each(randomCases)('is the adjoint of avgPool2dForward, ⟨avg(x), y⟩ = ⟨x, avgBackward(y)⟩: $name', ({ opts }) => {
    const g = geometry(opts);
    const random = mulberry32(0xb4c + g.height * 31 + g.width);
    const x = randomArray(g.batch * g.channels * g.height * g.width, random);
    const y = randomArray(outputLength(g), random);
    const pooled = new Float32Array(outputLength(g));
    avgPool2dForward(x, g, pooled);
    const back = new Float32Array(x.length);
    avgPool2dBackward(y, g, back);
    const left = dot(pooled, y);
    expect(Math.abs(left - dot(x, back))).toBeLessThan(1e-5 * Math.max(1, Math.abs(left)));
  });

  it('rejects a gradOut of the wrong length', () => {
    expect(() => avgPool2dBackward(new Float32Array(3), geometry({}), new Float32Array(16))).toThrow(
      /avgPool2dBackward: gradOut has length 3, expected 1·1·2·2 = 4/,
    );
  });
});

describe('maxPool2dForward on WebAssembly', () => {
  const initialBackend = kernelBackend();
  afterEach(() => setKernelBackend(initialBackend));

  /**
   * Values and indices on one backend, from data that is 20% −∞, 20% −0, 20% +0 and 40% positive
   * (ties between −0 and +0, whose first must win with its sign), with a NaN; plane 0's first
   * window is all −∞, plane 1's first window alternates −0 and +0 from a −0.
   */
  function pooled(backend: KernelBackend, g: Conv2dGeometry, seed: number) {
    setKernelBackend(backend);
    const x = seededValues(g.batch * g.channels * g.height * g.width, seed).map((value) =>
      value < -0.6 ? -Infinity : value < -0.2 ? -0 : value < 0.2 ? 0 : value,
    );
    const plane = g.height * g.width;
    for (let kh = 0; kh < g.kernelHeight; kh++) {
      for (let kw = 0; kw < g.kernelWidth; kw++) {
        x[kh * g.width + kw] = -Infinity;
        x[plane + kh * g.width + kw] = (kh + kw) % 2 === 0 ? -0 : 0;
      }
    }
    x[Math.floor(x.length / 3)] = Number.NaN;
    return runMaxPool(x, g);
  }
  /** The float32 bits of each value (toEqual alone would not tell −0 from +0 everywhere). */
  const bitsOf = (values: number[]) => Array.from(new Uint32Array(Float32Array.from(values).buffer));

  it.each([
    { name: '2×2 stride 2 over an odd 13×11 plane', kernel: 2, stride: 2, height: 13, width: 11 },
    { name: '3×3 stride 1 (overlapping windows), 5 channels', kernel: 3, stride: 1, height: 9, width: 10, channels: 5 },
    {
      name: '3×2 kernel, strides (1, 2), width 4 + 3',
      kernel: 3,
      stride: 1,
      height: 7,
      width: 15,
      kernelWidth: 2,
      strideWidth: 2,
    },
    { name: 'exactly four outputs wide', kernel: 2, stride: 2, height: 8, width: 8 },
    { name: 'padding (TypeScript fallback)', kernel: 3, stride: 2, pad: 1, height: 9, width: 11 },
    { name: 'stride 3 (TypeScript fallback)', kernel: 3, stride: 3, height: 12, width: 15 },
    { name: 'fewer than four outputs wide (TypeScript fallback)', kernel: 2, stride: 2, height: 6, width: 7 },
  ])('$name: the same values and indices as the TypeScript kernel', ({ name: _name, ...options }) => {
    const g = geometry({ batch: 3, channels: 2, ...options });
    const fromJs = pooled('js', g, g.width);
    const fromWasm = pooled('wasm', g, g.width);
    expect(fromWasm.argmax).toEqual(fromJs.argmax);
    expect(bitsOf(fromWasm.out)).toEqual(bitsOf(fromJs.out));
    const outPlane = g.outHeight * g.outWidth;
    if (g.padHeight === 0) expect([fromJs.out[0], fromJs.out[outPlane]]).toEqual([-Infinity, -0]); // toEqual tells −0 from +0
  });
});
