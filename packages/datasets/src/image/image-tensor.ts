// Raster → float32 [C, H, W] in 0..1 at a fixed size: upright (EXIF), grey or RGB, alpha blended
// onto a background, centre-cropped or padded to the aspect ratio, area-averaged when shrinking and
// bilinear when enlarging. Imports nothing outside this folder; browser-safe.
import { uprightIndex, uprightSize, type Raster } from './raster.js';

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

/** One axis of a resize: which source samples output `o` reads, and with what weights (summing to 1). */
interface Axis {
  first(o: number): number;
  last(o: number): number;
  weight(o: number, i: number): number;
}

// NOTE(resize): each axis separately. Shrinking: output o covers source [o·s, (o+1)·s) with s =
// source/output, and each source pixel weighs the part of it that is covered (area averaging, so a
// thin stroke keeps its ink). Enlarging: bilinear between the two source pixels around
// (o + 0.5)·s − 0.5, clamped at the edges (PyTorch's align_corners=False). Weights are computed on
// the fly so memory never grows with the source size.
function axis(source: number, output: number): Axis {
  const s = source / output;
  if (output < source) {
    return {
      first: (o) => Math.floor(o * s),
      last: (o) => Math.min(source, Math.ceil((o + 1) * s)) - 1,
      weight: (o, i) => (Math.min(i + 1, (o + 1) * s) - Math.max(i, o * s)) / s,
    };
  }
  const centre = (o: number) => Math.min(source - 1, Math.max(0, (o + 0.5) * s - 0.5));
  return {
    first: (o) => Math.floor(centre(o)),
    last: (o) => Math.min(source - 1, Math.floor(centre(o)) + 1),
    weight: (o, i) => {
      const c = centre(o);
      const low = Math.floor(c);
      const f = c - low;
      return i === low ? (low + 1 < source ? 1 - f : 1) : f;
    },
  };
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
  if (!(background >= 0 && background <= 1)) throw new RangeError(`imageToTensor: background must be in 0..1, got ${background}`);
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
  const read = pixelReader(raster, channels, background);
  const across = axis(sw, dw);
  const down = axis(sh, dh);
  const row = new Float32Array(channels * dw); // one source row, resized across
  const pixel = new Float32Array(channels);
  const plane = outH * outW;
  // Output rows whose sources are all behind us are final; `next` is the first that is not.
  let next = 0;
  for (let y = 0; y < sh; y++) {
    row.fill(0);
    for (let o = 0; o < dw; o++) {
      for (let i = across.first(o); i <= across.last(o); i++) {
        const w = across.weight(o, i);
        if (w === 0) continue;
        read(sx + i, sy + y, pixel);
        for (let c = 0; c < channels; c++) row[c * dw + o]! += w * pixel[c]!;
      }
    }
    while (next < dh && down.last(next) < y) next++;
    for (let o = next; o < dh && down.first(o) <= y; o++) {
      const w = down.weight(o, y);
      for (let c = 0; c < channels; c++) {
        const base = c * plane + (dy + o) * outW + dx;
        // The first source row of an output row replaces the background the array was filled with.
        if (down.first(o) === y) out.fill(0, base, base + dw);
        for (let x = 0; x < dw && w !== 0; x++) out[base + x]! += w * row[c * dw + x]!;
      }
    }
  }
  return out;
}

/** Reads upright pixel (x, y) as `channels` values in 0..1, alpha blended onto `background`. */
function pixelReader(raster: Raster, channels: number, background: number): (x: number, y: number, out: Float32Array) => void {
  const index = uprightIndex(raster);
  const { data, channels: stored } = raster;
  const scale = 1 / raster.maxValue;
  const colour = stored >= 3;
  const alpha = stored === 2 || stored === 4;
  return (x, y, out) => {
    const at = index(x, y) * stored;
    const a = alpha ? data[at + stored - 1]! * scale : 1;
    const blend = (value: number) => a * value + (1 - a) * background;
    if (!colour) {
      const grey = blend(data[at]! * scale);
      for (let c = 0; c < channels; c++) out[c] = grey;
      return;
    }
    const r = blend(data[at]! * scale);
    const g = blend(data[at + 1]! * scale);
    const b = blend(data[at + 2]! * scale);
    if (channels === 3) {
      out[0] = r;
      out[1] = g;
      out[2] = b;
    } else out[0] = 0.299 * r + 0.587 * g + 0.114 * b;
  };
}
