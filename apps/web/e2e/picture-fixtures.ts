// Generated pictures for the "Your pictures" tests (nothing checked in): two visually distinct
// classes — an orange disc or a blue bar on grey noise — as PNG and JPEG of mixed sizes and aspect
// ratios, folders of them for the CLI, and broken files. Node only (node:fs, fast-png, jpeg-js as devDependencies).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { Generator } from '@backprop/core';
import { decodeImage } from '@backprop/datasets/images';
import { encode as encodePng } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import type { Rasterize } from '../src/pictures/picture-decode';

/** One generated file. */
export interface FixtureFile {
  name: string;
  mimeType: string;
  bytes: Uint8Array;
}

const SIZES: Array<[number, number]> = [
  [48, 36],
  [30, 40],
  [40, 40],
  [64, 40],
];

/**
 * Picture `index` of a class ("disc" or "bar"), seeded: even indices PNG, odd JPEG, sizes cycling
 * through landscape, portrait and square.
 *
 * @example
 * ```ts
 * const file = fixturePicture('disc', 3, 1); // { name: 'disc-3.jpg', mimeType: 'image/jpeg', bytes }
 * ```
 */
export function fixturePicture(kind: 'disc' | 'bar', index: number, seed: number): FixtureFile {
  const random = new Generator(seed * 7919 + index * 2 + (kind === 'disc' ? 0 : 1));
  const [width, height] = SIZES[index % SIZES.length]!;
  const data = new Uint8Array(width * height * 4);
  const [cx, cy] = [random.uniform(0.35, 0.65) * width, random.uniform(0.35, 0.65) * height];
  const radius = Math.min(width, height) * random.uniform(0.22, 0.3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = kind === 'disc' ? (x - cx) ** 2 + (y - cy) ** 2 < radius ** 2 : Math.abs(y - cy) < radius / 2;
      const colour = inside ? (kind === 'disc' ? [235, 140, 30] : [30, 80, 225]) : [120, 120, 120];
      const noise = random.uniform(-25, 25);
      data.set([...colour.map((v) => Math.max(0, Math.min(255, Math.round(v + noise)))), 255], (y * width + x) * 4);
    }
  }
  const png = index % 2 === 0;
  const bytes = png
    ? encodePng({ width, height, data, channels: 4 })
    : new Uint8Array(encodeJpeg({ width, height, data }, 92).data);
  return { name: `${kind}-${index}.${png ? 'png' : 'jpg'}`, mimeType: png ? 'image/png' : 'image/jpeg', bytes };
}

/** Options of {@link writeFixtureFolder}. */
export interface FixtureFolderOptions {
  /** Pictures written into each class folder. */
  perClass: number;
  /** Seeds `fixturePicture`. */
  seed: number;
  /** Only PNGs (`fixturePicture`'s even indices 0, 2, 4, …) instead of PNG and JPEG alternately (0, 1, 2, …). */
  pngOnly?: boolean;
}

/**
 * Writes a picture folder as `backprop train --data FOLDER` reads it: `orange/` holds discs, `blue/`
 * bars, each file named as `fixturePicture` names it. Returns `folder`.
 *
 * @example
 * ```ts
 * writeFixtureFolder(join(scratch, 'pictures'), { perClass: 6, seed: 3 }); // orange/disc-0.png … blue/bar-5.jpg
 * ```
 */
export function writeFixtureFolder(folder: string, options: FixtureFolderOptions): string {
  const { perClass, seed, pngOnly = false } = options;
  for (const [kind, name] of [
    ['disc', 'orange'],
    ['bar', 'blue'],
  ] as const) {
    mkdirSync(join(folder, name), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const file = fixturePicture(kind, pngOnly ? i * 2 : i, seed);
      writeFileSync(join(folder, name, file.name), file.bytes);
    }
  }
  return folder;
}

/** A PNG cut short (its IEND and part of its image data are missing). */
export function truncatedPng(): FixtureFile {
  const whole = fixturePicture('disc', 0, 99).bytes;
  return { name: 'broken.png', mimeType: 'image/png', bytes: whole.subarray(0, Math.floor(whole.length / 2)) };
}

/** A PNG whose header declares 100000×100000 pixels (a decompression bomb's header; no pixels follow). */
export function hugePngHeader(): FixtureFile {
  const bytes = fixturePicture('disc', 0, 98).bytes.slice();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(16, 100_000);
  view.setUint32(20, 100_000);
  view.setUint32(29, crc32(bytes.subarray(12, 29))); // IHDR's CRC covers its type and 13 data bytes
  return { name: 'bomb.png', mimeType: 'image/png', bytes };
}

/** Node's stand-in for createImageBitmap in unit tests: the datasets' decoder, as RGBA. */
export const nodeRasterize: Rasterize = (bytes) => {
  const raster = decodeImage(bytes);
  const rgba = new Uint8Array(raster.width * raster.height * 4);
  for (let i = 0; i < raster.width * raster.height; i++) {
    const at = i * raster.channels;
    const [r, g, b] =
      raster.channels >= 3
        ? [raster.data[at]!, raster.data[at + 1]!, raster.data[at + 2]!]
        : [raster.data[at]!, raster.data[at]!, raster.data[at]!];
    rgba.set(
      [r, g, b, raster.channels === 2 || raster.channels === 4 ? raster.data[at + raster.channels - 1]! : 255],
      i * 4,
    );
  }
  return Promise.resolve({ width: raster.width, height: raster.height, data: rgba });
};
