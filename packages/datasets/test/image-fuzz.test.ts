// A short seeded fuzz of decodeImage: mutations of valid PNGs and JPEGs (truncation, bit flips,
// bytes set to 0 or 0xFF, chunk/segment lengths made huge). Each input must decode to a consistent
// raster within the limit or be refused with an ImageError — never another exception, never a hang.
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../src/image/decode-image.js';
import { ImageError } from '../src/image/image-error.js';
import { imageToTensor } from '../src/image/image-tensor.js';
import { jpeg, png, withOrientation } from './image-fixtures.js';

/** A 32-bit LCG (Numerical Recipes constants): seeded, reproducible, enough to pick mutations. */
function lcg(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.floor((state / 2 ** 32) * below);
  };
}

function mutate(bytes: Uint8Array, next: (below: number) => number): Uint8Array {
  const out = bytes.slice();
  switch (next(5)) {
    case 0:
      return out.subarray(0, next(out.length));
    case 1: {
      for (let k = 0; k <= next(4); k++) out[next(out.length)] ^= 1 << next(8);
      return out;
    }
    case 2: {
      out[8 + next(out.length - 8)] = next(2) === 0 ? 0 : 0xff;
      return out;
    }
    case 3: {
      const at = 8 + next(out.length - 12);
      out.set([0xff, 0xff, 0xff, next(256)], at);
      return out;
    }
    default:
      return new Uint8Array([...out, ...Array.from({ length: 1 + next(16) }, () => next(256))]);
  }
}

/** `bytes` with every whole PNG chunk's CRC recomputed, so that mutations reach fast-png's decoder. */
function withFixedCrcs(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  for (let at = 8; at + 12 <= out.length; ) {
    const length = view.getUint32(at);
    if (at + 12 + length > out.length) break;
    view.setUint32(at + 8 + length, crc32(out.subarray(at + 4, at + 8 + length)));
    at += 12 + length;
  }
  return out;
}

const SEEDS: Array<[string, Uint8Array]> = [
  [
    'grey PNG',
    png({ width: 7, height: 5, data: Uint8Array.from({ length: 35 }, (_, i) => i * 7), channels: 1, depth: 8 }),
  ],
  [
    '16-bit RGBA PNG',
    png({ width: 3, height: 4, data: Uint16Array.from({ length: 48 }, (_, i) => i * 1000), channels: 4, depth: 16 }),
  ],
  [
    'palette PNG',
    png({
      width: 5,
      height: 3,
      data: Uint8Array.from({ length: 15 }, (_, i) => i % 3),
      channels: 1,
      depth: 8,
      palette: [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
    }),
  ],
  [
    'interlaced PNG',
    png(
      { width: 9, height: 9, data: Uint8Array.from({ length: 243 }, (_, i) => i), channels: 3, depth: 8 },
      { interlace: 'Adam7' },
    ),
  ],
  [
    'JPEG with EXIF',
    withOrientation(
      jpeg(24, 16, (x, y) => [x * 10, y * 15, 128]),
      6,
    ),
  ],
];

describe('decodeImage under seeded mutations', () => {
  it.each(SEEDS)('%s: 400 mutants decode consistently or are refused with an ImageError', (_, seed) => {
    const next = lcg(0x5eed + seed.length);
    let refused = 0;
    let decoded = 0;
    for (let trial = 0; trial < 400; trial++) {
      const mutant = mutate(seed, next);
      // Half of the PNG mutants get valid CRCs again, or the CRC check would refuse nearly all of them.
      const input = seed[0] === 0x89 && trial % 2 === 1 ? withFixedCrcs(mutant) : mutant;
      try {
        const raster = decodeImage(input, { file: 'fuzz', maxPixels: 10_000 });
        expect(raster.width * raster.height).toBeLessThanOrEqual(10_000);
        expect(raster.data.length).toBe(raster.width * raster.height * raster.channels);
        const x = imageToTensor(raster, { width: 4, height: 4, color: 'rgb' });
        expect(x.every((v) => v >= 0 && v <= 1)).toBe(true);
        decoded++;
      } catch (error) {
        if (!(error instanceof ImageError)) throw new Error(`trial ${trial}: ${String(error)}`, { cause: error });
        expect(error.message).not.toContain('\n');
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(100); // the mutations do break files
    expect(decoded).toBeGreaterThan(0); // and some reach the decoders and pass
  });
});
