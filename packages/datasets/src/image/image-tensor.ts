// Raster → float32 [C, H, W] in 0..1 at a fixed size: upright (EXIF), grey or RGB, alpha blended
// onto a background, centre-cropped or padded to the aspect ratio, area-averaged when shrinking and
// bilinear when enlarging. Imports nothing outside this folder; browser-safe.
import { uprightRow, uprightSize, type Raster } from './raster.js';

/** Options of {@link imageToTensor}. */
export interface ImageTensorOptions {
  readonly width: number;
  readonly height: number;
  /** `'rgb'`: 3 channels; `'grey'`: 1 channel, luminance 0.299 R + 0.587 G + 0.114 B (as PIL's `convert('L')`). */
  readonly color: 'rgb' | 'grey';
  /**
   * `'crop'` (default): scale so the image covers width × height, cut the centre (nothing is
   * distorted, the edges of the longer side are lost). `'pad'`: scale so the whole image fits,
   * centre it, fill the rest with `background`.
   */
  readonly fit?: 'crop' | 'pad';
  /** 0..1: the value transparent pixels are blended onto and padding is filled with; default 0 (black). */
  readonly background?: number;
}

/**
 * One axis of a resize: output o reads source samples lo[o]..hi[o], weighted first[o] at lo[o],
 * last[o] at hi[o] and `middle` in between (the weights sum to 1). O(outputs) memory.
 */
interface Axis {
  lo: Int32Array;
  hi: Int32Array;
  first: Float64Array;
  last: Float64Array;
  middle: number;
}

// NOTE(resize): each axis separately. Shrinking: output o covers source [o·s, (o+1)·s) with s =
// source/output, and each source pixel weighs the part of it that is covered (area averaging, so a
// thin stroke keeps its ink): partial pixels at the ends, 1/s in between. Enlarging: bilinear
// between the two source pixels around (o + 0.5)·s − 0.5, clamped at the edges (PyTorch's
// align_corners=False). Tables are per output, so memory never grows with the source size.
function axis(source: number, output: number): Axis {
  const s = source / output;
  const a: Axis = {
    lo: new Int32Array(output),
    hi: new Int32Array(output),
    first: new Float64Array(output),
    last: new Float64Array(output),
    middle: 1 / s,
  };
  for (let o = 0; o < output; o++) {
    if (output < source) {
      const start = o * s;
      const end = Math.min(source, (o + 1) * s);
      a.lo[o] = Math.floor(start);
      a.hi[o] = Math.ceil(end) - 1;
      a.first[o] = (Math.min(a.lo[o]! + 1, end) - start) / s;
      a.last[o] = (end - Math.max(a.hi[o]!, start)) / s;
    } else {
      const centre = Math.min(source - 1, Math.max(0, (o + 0.5) * s - 0.5));
      const low = Math.floor(centre);
      const f = centre - low;
      a.lo[o] = low;
      a.hi[o] = f > 0 ? low + 1 : low;
      a.first[o] = f > 0 ? 1 - f : 1;
      a.last[o] = f > 0 ? f : 1;
    }
  }
  return a;
}

/** The weight of source sample i in output o. */
function weightOf(a: Axis, o: number, i: number): number {
  return i === a.lo[o] ? a.first[o]! : i === a.hi[o] ? a.last[o]! : a.middle;
}

/**
 * The image as float32 [C, H, W] in 0..1 (C = 3 for `'rgb'`, 1 for `'grey'`).
 *
 * @example
 * ```ts
 * const x = imageToTensor(decodeImage(bytes), { width: 32, height: 32, color: 'rgb' }); // Float32Array(3 × 32 × 32)
 * ```
 */
export function imageToTensor(raster: Raster, options: ImageTensorOptions): Float32Array {
  const { width: outW, height: outH } = options;
  if (!Number.isSafeInteger(outW) || !Number.isSafeInteger(outH) || outW < 1 || outH < 1) {
    throw new RangeError(`imageToTensor: width and height must be integers ≥ 1, got ${outW}×${outH}`);
  }
  const background = options.background ?? 0;
  if (!(background >= 0 && background <= 1))
    throw new RangeError(`imageToTensor: background must be in 0..1, got ${background}`);
  const channels = options.color === 'rgb' ? 3 : 1;
  const { width: inW, height: inH } = uprightSize(raster);
  // Source rectangle (crop) and destination rectangle (pad), in whole pixels.
  let [sx, sy, sw, sh] = [0, 0, inW, inH];
  let [dx, dy, dw, dh] = [0, 0, outW, outH];
  if ((options.fit ?? 'crop') === 'crop') {
    if (inW * outH > inH * outW) sw = Math.max(1, Math.round((inH * outW) / outH));
    else sh = Math.max(1, Math.round((inW * outH) / outW));
    sx = Math.floor((inW - sw) / 2);
    sy = Math.floor((inH - sh) / 2);
  } else {
    if (inW * outH > inH * outW) dh = Math.max(1, Math.round((inH * outW) / inW));
    else dw = Math.max(1, Math.round((inW * outH) / inH));
    dx = Math.floor((outW - dw) / 2);
    dy = Math.floor((outH - dh) / 2);
  }
  const out = new Float32Array(channels * outH * outW).fill(background);
  const across = axis(sw, dw);
  const down = axis(sh, dh);
  const row = new Float32Array(channels * dw); // one source row, resized across
  const pixel = new Float32Array(3);
  const readRow = uprightRow(raster);
  const plane = outH * outW;
  // Output rows whose sources are all behind us are final; `next` is the first that is not.
  let next = 0;
  for (let y = 0; y < sh; y++) {
    const { base, step } = readRow(sy + y);
    for (let o = 0; o < dw; o++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let i = across.lo[o]!; i <= across.hi[o]!; i++) {
        const w = weightOf(across, o, i);
        readPixel(raster, base + (sx + i) * step, background, pixel);
        r += w * pixel[0]!;
        g += w * pixel[1]!;
        b += w * pixel[2]!;
      }
      if (channels === 3) {
        row[o] = r;
        row[dw + o] = g;
        row[2 * dw + o] = b;
      } else row[o] = 0.299 * r + 0.587 * g + 0.114 * b;
    }
    while (next < dh && down.hi[next]! < y) next++;
    for (let o = next; o < dh && down.lo[o]! <= y; o++) {
      const w = weightOf(down, o, y);
      for (let c = 0; c < channels; c++) {
        const at = c * plane + (dy + o) * outW + dx;
        // The first source row of an output row replaces the background the array was filled with.
        if (down.lo[o] === y) out.fill(0, at, at + dw);
        for (let x = 0; x < dw; x++) out[at + x]! += w * row[c * dw + x]!;
      }
    }
  }
  return out;
}

/** The stored pixel at `at` as RGB in 0..1 (grey repeated), alpha blended onto `background`. */
function readPixel(raster: Raster, at: number, background: number, out: Float32Array): void {
  const { data, channels: n } = raster;
  const scale = 1 / raster.maxValue;
  const a = n === 2 || n === 4 ? data[at + n - 1]! * scale : 1;
  const r = data[at]! * scale;
  const g = n >= 3 ? data[at + 1]! * scale : r;
  const b = n >= 3 ? data[at + 2]! * scale : r;
  out[0] = a * r + (1 - a) * background;
  out[1] = a * g + (1 - a) * background;
  out[2] = a * b + (1 - a) * background;
}
