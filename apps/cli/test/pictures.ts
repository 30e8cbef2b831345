// Test helper: a folder of generated "cat" and "not-cat" pictures (PNG and JPEG of several sizes),
// told apart by colour and shape — a stand-in for the tutorial's photos, made on the fly.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { Generator } from '@backprop/core';

/** RGBA pixels of one picture: a warm disc ("cat") or a cool bar ("not-cat") on a noisy background. */
function picture(cat: boolean, width: number, height: number, random: Generator): Uint8Array {
  const pixels = new Uint8Array(width * height * 4);
  const [cx, cy] = [random.uniform(0.3, 0.7) * width, random.uniform(0.3, 0.7) * height];
  const radius = Math.min(width, height) * random.uniform(0.2, 0.3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = cat ? (x - cx) ** 2 + (y - cy) ** 2 < radius ** 2 : Math.abs(y - cy) < radius / 2;
      const noise = random.uniform(-30, 30);
      const [r, g, b] = inside ? (cat ? [230, 140, 40] : [40, 90, 220]) : [110, 120, 110];
      pixels.set(
        [r + noise, g + noise, b + noise, 255].map((v) => Math.max(0, Math.min(255, Math.round(v)))),
        (y * width + x) * 4,
      );
    }
  }
  return pixels;
}

/**
 * Writes `perClass` pictures into `root/cat` and `root/not-cat` (alternately PNG 40×30 and JPEG
 * 24×32), seeded; returns the root.
 */
export function writePictureFolder(root: string, perClass: number, seed = 1): string {
  const random = new Generator(seed);
  for (const name of ['cat', 'not-cat']) {
    mkdirSync(join(root, name), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const png = i % 2 === 0;
      const [width, height] = png ? [40, 30] : [24, 32];
      const data = picture(name === 'cat', width, height, random);
      const bytes = png
        ? encodePng({ width, height, data, channels: 4 })
        : encodeJpeg({ width, height, data }, 90).data;
      writeFileSync(join(root, name, `${i}.${png ? 'png' : 'jpg'}`), bytes);
    }
  }
  return root;
}
