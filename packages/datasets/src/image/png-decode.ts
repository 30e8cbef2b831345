// PNG bytes → Raster: checkPng first, then fast-png; palette and 1/2/4-bit samples unpacked to
// 8-bit, tRNS colour keys made into an alpha channel. Browser-safe; no node:*.
import { decode, type DecodedPng } from 'fast-png';
import { DAMAGED, ImageError } from './image-error.js';
import { checkPng, type PngHeader } from './png-check.js';
import type { Raster } from './raster.js';

/**
 * Decodes a PNG (8/16-bit grey, grey + alpha, RGB, RGBA; 1/2/4/8-bit grey and palette; interlaced
 * or not). Throws an {@link ImageError} naming `file` for anything {@link checkPng} refuses, and
 * for palette indices past the palette's end.
 *
 * @example
 * ```ts
 * const raster = decodePng(bytes, { file: 'cat.png', maxPixels: 50_000_000 }); // { width, height, channels, data, maxValue: 255 | 65535, ... }
 * ```
 */
export function decodePng(bytes: Uint8Array, options: { file: string; maxPixels: number }): Raster {
  const { header, bytes: clean } = checkPng(bytes, options);
  let png: DecodedPng;
  try {
    png = decode(clean);
  } catch (error) {
    throw new ImageError(options.file, `PNG cannot be decoded (${(error as Error).message.slice(0, 80)})`, DAMAGED, {
      cause: error,
    });
  }
  const base = { width: header.width, height: header.height, orientation: 1, format: 'png' } as const;
  if (header.colorType === 3) return { ...base, ...expandPalette(png, header, options.file) };
  const channels = png.channels as 1 | 2 | 3 | 4;
  const data = header.bitDepth < 8 ? unpackGrey(png.data as Uint8Array, header) : png.data;
  const maxValue = header.bitDepth === 16 ? 65535 : 255;
  const key = png.transparency;
  if (key === undefined || (channels !== 1 && channels !== 3))
    return { ...base, channels, data: data as Uint8Array | Uint16Array, maxValue };
  // NOTE(trns-key): tRNS on grey/RGB names one colour (in the file's bit depth) that is transparent.
  const scale = header.bitDepth < 8 ? 255 / (2 ** header.bitDepth - 1) : 1;
  const keyed = key.map((value) => value * scale);
  const pixels = header.width * header.height;
  const out =
    header.bitDepth === 16 ? new Uint16Array(pixels * (channels + 1)) : new Uint8Array(pixels * (channels + 1));
  for (let i = 0; i < pixels; i++) {
    let transparent = true;
    for (let c = 0; c < channels; c++) {
      const value = data[i * channels + c]!;
      out[i * (channels + 1) + c] = value;
      if (value !== keyed[c]) transparent = false;
    }
    out[i * (channels + 1) + channels] = transparent ? 0 : maxValue;
  }
  return { ...base, channels: (channels + 1) as 2 | 4, data: out, maxValue };
}

/** 1/2/4-bit samples, rows padded to whole bytes → one byte per sample, or the raw index when `scale` is false. */
function unpack(data: Uint8Array, header: PngHeader, scale: boolean): Uint8Array {
  const { width, height, bitDepth } = header;
  if (bitDepth === 8) return data;
  const rowBytes = Math.ceil((width * bitDepth) / 8);
  const mask = (1 << bitDepth) - 1;
  const factor = scale ? 255 / mask : 1;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * bitDepth;
      const byte = data[y * rowBytes + (bit >> 3)]!;
      out[y * width + x] = ((byte >> (8 - bitDepth - (bit & 7))) & mask) * factor;
    }
  }
  return out;
}

function unpackGrey(data: Uint8Array, header: PngHeader): Uint8Array {
  return unpack(data, header, true);
}

function expandPalette(
  png: DecodedPng,
  header: PngHeader,
  file: string,
): Pick<Raster, 'channels' | 'data' | 'maxValue'> {
  const palette = png.palette!;
  const indices = unpack(png.data as Uint8Array, header, false);
  const alpha = palette.some((entry) => entry.length === 4);
  const channels = alpha ? 4 : 3;
  const out = new Uint8Array(indices.length * channels);
  for (let i = 0; i < indices.length; i++) {
    const entry = palette[indices[i]!];
    if (entry === undefined) {
      throw new ImageError(
        file,
        `PNG pixel ${i} uses palette entry ${indices[i]} of a ${palette.length}-entry palette`,
        DAMAGED,
      );
    }
    for (let c = 0; c < channels; c++) out[i * channels + c] = entry[c] ?? 255;
  }
  return { channels, data: out, maxValue: 255 };
}
