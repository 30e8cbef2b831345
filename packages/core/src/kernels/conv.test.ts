// Tests for the im2col/col2im convolution kernels against direct reference loops written here.
// Imports nothing outside kernels/ (plus vitest).

import { describe, expect, it } from 'vitest';
import { conv2dDirectImage, conv2dWeightGradImage, padImage, paddedImageLength } from './conv-direct.js';
import {
  col2im,
  col2imGroup,
  conv2dGeometry,
  im2col,
  im2colGroup,
  type Conv2dGeometry,
  type Conv2dGeometryOptions,
} from './conv.js';

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

function geometry(overrides: Partial<Conv2dGeometryOptions>): Conv2dGeometry {
  return conv2dGeometry({
    batch: 1,
    channels: 1,
    height: 5,
    width: 5,
    kernelHeight: 3,
    kernelWidth: 3,
    strideHeight: 1,
    strideWidth: 1,
    padHeight: 0,
    padWidth: 0,
    ...overrides,
  });
}

function colsLength(g: Conv2dGeometry): number {
  return g.channels * g.kernelHeight * g.kernelWidth * g.outHeight * g.outWidth;
}

/** Direct convolution (cross-correlation, zero padding): out[n,o,oh,ow] = Σ w[o,c,kh,kw]·x[n,c,ih,iw]. */
function referenceConv2d(x: Float32Array, w: Float32Array, outChannels: number, g: Conv2dGeometry): Float64Array {
  const { batch, channels, height, width, kernelHeight, kernelWidth, outHeight, outWidth } = g;
  const out = new Float64Array(batch * outChannels * outHeight * outWidth);
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outChannels; o++) {
      for (let oh = 0; oh < outHeight; oh++) {
        for (let ow = 0; ow < outWidth; ow++) {
          let sum = 0;
          for (let c = 0; c < channels; c++) {
            for (let kh = 0; kh < kernelHeight; kh++) {
              for (let kw = 0; kw < kernelWidth; kw++) {
                const ih = oh * g.strideHeight - g.padHeight + kh;
                const iw = ow * g.strideWidth - g.padWidth + kw;
                if (ih < 0 || ih >= height || iw < 0 || iw >= width) continue;
                sum +=
                  w[((o * channels + c) * kernelHeight + kh) * kernelWidth + kw]! *
                  x[((n * channels + c) * height + ih) * width + iw]!;
              }
            }
          }
          out[((n * outChannels + o) * outHeight + oh) * outWidth + ow] = sum;
        }
      }
    }
  }
  return out;
}

/** Direct input gradient of the convolution: dx[n,c,ih,iw] += w[o,c,kh,kw]·dy[n,o,oh,ow]. */
function referenceConv2dInputGrad(
  dy: Float32Array,
  w: Float32Array,
  outChannels: number,
  g: Conv2dGeometry,
): Float64Array {
  const { batch, channels, height, width, kernelHeight, kernelWidth, outHeight, outWidth } = g;
  const dx = new Float64Array(batch * channels * height * width);
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outChannels; o++) {
      for (let oh = 0; oh < outHeight; oh++) {
        for (let ow = 0; ow < outWidth; ow++) {
          const grad = dy[((n * outChannels + o) * outHeight + oh) * outWidth + ow]!;
          for (let c = 0; c < channels; c++) {
            for (let kh = 0; kh < kernelHeight; kh++) {
              for (let kw = 0; kw < kernelWidth; kw++) {
                const ih = oh * g.strideHeight - g.padHeight + kh;
                const iw = ow * g.strideWidth - g.padWidth + kw;
                if (ih < 0 || ih >= height || iw < 0 || iw >= width) continue;
                dx[((n * channels + c) * height + ih) * width + iw]! +=
                  w[((o * channels + c) * kernelHeight + kh) * kernelWidth + kw]! * grad;
              }
            }
          }
        }
      }
    }
  }
  return dx;
}

/** Naive a[m×k] @ b[k×n], accumulated in float64. */
function naiveMatmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * k + p]! * b[p * n + j]!;
      out[i * n + j] = sum;
    }
  }
  return out;
}

function transpose(a: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(rows * columns);
  for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) out[j * rows + i] = a[i * columns + j]!;
  return out;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

const cases: { name: string; outChannels: number; opts: Partial<Conv2dGeometryOptions> }[] = [
  { name: '1×1×5×5, 3×3, stride 1, no padding', outChannels: 1, opts: {} },
  {
    name: '2×3×7×6, 3×3, stride 1, padding 1',
    outChannels: 4,
    opts: { batch: 2, channels: 3, height: 7, width: 6, padHeight: 1, padWidth: 1 },
  },
  {
    name: '3×2×8×9, 3×3, stride 2, padding 1',
    outChannels: 3,
    opts: { batch: 3, channels: 2, height: 8, width: 9, strideHeight: 2, strideWidth: 2, padHeight: 1, padWidth: 1 },
  },
  {
    name: '2×2×6×5, 5×5, stride 1, padding 2',
    outChannels: 2,
    opts: { batch: 2, channels: 2, height: 6, width: 5, kernelHeight: 5, kernelWidth: 5, padHeight: 2, padWidth: 2 },
  },
  {
    name: '2×3×7×10, 2×4 kernel, stride 2×1, padding 1×2',
    outChannels: 5,
    opts: {
      batch: 2,
      channels: 3,
      height: 7,
      width: 10,
      kernelHeight: 2,
      kernelWidth: 4,
      strideHeight: 2,
      strideWidth: 1,
      padHeight: 1,
      padWidth: 2,
    },
  },
  {
    name: '1×2×4×11, 1×3 kernel, stride 1×3, padding 0×2',
    outChannels: 2,
    opts: { channels: 2, height: 4, width: 11, kernelHeight: 1, kernelWidth: 3, strideWidth: 3, padWidth: 2 },
  },
  {
    name: '2×1×3×3, 3×3 kernel, stride 2, padding 2 (kernel wider than the real input it sees)',
    outChannels: 2,
    opts: { batch: 2, height: 3, width: 3, strideHeight: 2, strideWidth: 2, padHeight: 2, padWidth: 2 },
  },
];

describe('conv2dGeometry', () => {
  it('computes out = floor((in + 2·pad − kernel) / stride) + 1 per axis', () => {
    const g = geometry({
      height: 8,
      width: 10,
      kernelHeight: 3,
      kernelWidth: 2,
      strideHeight: 2,
      strideWidth: 3,
      padHeight: 1,
      padWidth: 2,
    });
    expect(g.outHeight).toBe(4); // floor((8 + 2 − 3) / 2) + 1
    expect(g.outWidth).toBe(5); // floor((10 + 4 − 2) / 3) + 1
  });

  it('throws an error naming the sizes when the kernel does not fit', () => {
    expect(() => geometry({ height: 2, width: 5, kernelHeight: 3, kernelWidth: 3 })).toThrow(
      /kernel 3×3 does not fit input 2×5 with padding 0×0 \(output would be 0×3\)/,
    );
  });

  it('rejects non-integer or out-of-range sizes', () => {
    expect(() => geometry({ strideHeight: 0 })).toThrow(/strideHeight must be an integer ≥ 1, got 0/);
    expect(() => geometry({ padWidth: -1 })).toThrow(/padWidth must be an integer ≥ 0, got -1/);
    expect(() => geometry({ channels: 1.5 })).toThrow(/channels must be an integer ≥ 1, got 1.5/);
  });
});

describe('im2col', () => {
  it('lays out rows (c, kh, kw) and columns (oh, ow), zero-padded, on a hand-worked example', () => {
    // 1×1×2×2 input [[1, 2], [3, 4]], 2×2 kernel, padding 1, stride 2 → 2×2 output.
    const g = geometry({
      height: 2,
      width: 2,
      kernelHeight: 2,
      kernelWidth: 2,
      strideHeight: 2,
      strideWidth: 2,
      padHeight: 1,
      padWidth: 1,
    });
    const cols = new Float32Array(colsLength(g)).fill(99);
    im2col(Float32Array.of(1, 2, 3, 4), g, 0, cols);
    // Each output window sees exactly one real input, at the kernel position opposite its corner.
    expect(Array.from(cols)).toEqual([
      0,
      0,
      0,
      4, // kh=0, kw=0
      0,
      0,
      3,
      0, // kh=0, kw=1
      0,
      2,
      0,
      0, // kh=1, kw=0
      1,
      0,
      0,
      0, // kh=1, kw=1
    ]);
  });

  it.each(cases)('weight @ im2col matches a direct convolution: $name', ({ outChannels, opts }) => {
    const g = geometry(opts);
    const random = mulberry32(0x5eed + g.height * 31 + g.width);
    const x = randomArray(g.batch * g.channels * g.height * g.width, random);
    const patch = g.channels * g.kernelHeight * g.kernelWidth;
    const w = randomArray(outChannels * patch, random);
    const expected = referenceConv2d(x, w, outChannels, g);

    const pixels = g.outHeight * g.outWidth;
    const cols = new Float32Array(colsLength(g));
    const actual = new Float64Array(expected.length);
    for (let n = 0; n < g.batch; n++) {
      im2col(x, g, n, cols);
      actual.set(naiveMatmul(w, cols, outChannels, patch, pixels), n * outChannels * pixels);
    }
    expect(maxAbsDifference(actual, expected)).toBeLessThan(1e-6);
  });

  it('rejects an image index outside the batch and buffers of the wrong length', () => {
    const g = geometry({ batch: 2 });
    const x = new Float32Array(2 * 25);
    expect(() => im2col(x, g, 2, new Float32Array(colsLength(g)))).toThrow(
      /image index 2 is outside the batch \[0, 2\)/,
    );
    expect(() => im2col(x, g, 0, new Float32Array(colsLength(g) + 1))).toThrow(
      /im2col: cols has length 82, expected 1·3·3·3·3 = 81/,
    );
    expect(() => im2col(new Float32Array(25), g, 0, new Float32Array(colsLength(g)))).toThrow(
      /im2col: input has length 25, expected 2·1·5·5 = 50/,
    );
  });
});

describe('col2im', () => {
  it.each(cases)('is the adjoint of im2col, ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩: $name', ({ opts }) => {
    const g = geometry(opts);
    const random = mulberry32(0xad701 + g.height * 31 + g.width);
    const x = randomArray(g.batch * g.channels * g.height * g.width, random);
    for (let n = 0; n < g.batch; n++) {
      const y = randomArray(colsLength(g), random);
      const cols = new Float32Array(colsLength(g));
      im2col(x, g, n, cols);
      const back = new Float32Array(x.length);
      col2im(y, g, n, back);
      const left = dot(cols, y);
      const right = dot(x, back);
      expect(Math.abs(left - right)).toBeLessThan(1e-5 * Math.max(1, Math.abs(left)));
    }
  });

  it.each(cases)('col2im(weightᵀ @ gradOut) matches the direct input gradient: $name', ({ outChannels, opts }) => {
    const g = geometry(opts);
    const random = mulberry32(0x9ead + g.height * 31 + g.width);
    const patch = g.channels * g.kernelHeight * g.kernelWidth;
    const pixels = g.outHeight * g.outWidth;
    const w = randomArray(outChannels * patch, random);
    const dy = randomArray(g.batch * outChannels * pixels, random);
    const expected = referenceConv2dInputGrad(dy, w, outChannels, g);

    const wT = transpose(w, outChannels, patch);
    const actual = new Float32Array(expected.length);
    for (let n = 0; n < g.batch; n++) {
      const dyImage = dy.subarray(n * outChannels * pixels, (n + 1) * outChannels * pixels);
      const cols = Float32Array.from(naiveMatmul(wT, dyImage, patch, outChannels, pixels));
      col2im(cols, g, n, actual);
    }
    expect(maxAbsDifference(actual, expected)).toBeLessThan(1e-5);
  });

  it('accumulates into inputGrad and touches only image n', () => {
    const g = geometry({ batch: 2, height: 3, width: 3, kernelHeight: 2, kernelWidth: 2 });
    const grad = new Float32Array(2 * 9).fill(1);
    col2im(new Float32Array(colsLength(g)).fill(1), g, 1, grad);
    // 2×2 kernel, stride 1 over 3×3: each pixel lies in (windows covering its row) × (its column).
    expect(Array.from(grad.subarray(0, 9))).toEqual(new Array(9).fill(1));
    expect(Array.from(grad.subarray(9))).toEqual([2, 3, 2, 3, 5, 3, 2, 3, 2]);
  });
});

describe('grouped and direct kernels agree with the per-image ones', () => {
  const g = geometry({
    batch: 3,
    channels: 2,
    height: 6,
    width: 7,
    strideHeight: 2,
    strideWidth: 1,
    padHeight: 1,
    padWidth: 2,
  });
  const random = mulberry32(91);
  const x = randomArray(g.batch * g.channels * g.height * g.width, random);
  const per = colsLength(g);

  it('im2colGroup / col2imGroup place each image side by side', () => {
    const cols = new Float32Array(per * 2);
    im2colGroup(x, g, 1, 2, cols);
    const single = new Float32Array(per);
    const positions = g.outHeight * g.outWidth;
    for (let i = 0; i < 2; i++) {
      im2col(x, g, 1 + i, single);
      for (let row = 0; row < per / positions; row++) {
        for (let pos = 0; pos < positions; pos++)
          expect(cols[row * 2 * positions + i * positions + pos]).toBe(single[row * positions + pos]);
      }
    }
    const grouped = new Float32Array(x.length);
    col2imGroup(cols, g, 1, 2, grouped);
    const expected = new Float32Array(x.length);
    for (let i = 0; i < 2; i++) {
      im2col(x, g, 1 + i, single);
      col2im(single, g, 1 + i, expected);
    }
    expect(Array.from(grouped)).toEqual(Array.from(expected));
  });

  it('conv2dDirectImage and conv2dWeightGradImage match the reference', () => {
    const outChannels = 3;
    const w = randomArray(outChannels * g.channels * 9, random);
    const reference = referenceConv2d(x, w, outChannels, g);
    const positions = g.outHeight * g.outWidth;
    const out = new Float32Array(g.batch * outChannels * positions);
    const padded = new Float32Array(paddedImageLength(g));
    const gradOut = randomArray(out.length, random);
    const patch = g.channels * 9;
    const imageGrad = new Float64Array(outChannels * patch);
    const cols = new Float32Array(per);
    for (let n = 0; n < g.batch; n++) {
      padImage(x, g, n, padded);
      conv2dDirectImage(padded, w, outChannels, g, out, n * outChannels * positions);
      conv2dWeightGradImage(padded, gradOut, n * outChannels * positions, outChannels, g, imageGrad);
      im2col(x, g, n, cols);
      for (let o = 0; o < outChannels; o++) {
        for (let p = 0; p < patch; p++) {
          let sum = 0;
          for (let pos = 0; pos < positions; pos++)
            sum += gradOut[(n * outChannels + o) * positions + pos]! * cols[p * positions + pos]!;
          expect(imageGrad[o * patch + p]).toBeCloseTo(sum, 10);
        }
      }
    }
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(reference[i]!, 5);
  });
});
