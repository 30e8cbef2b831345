// Images/s of loadImageFolder on generated photos-like pictures (PNG and JPEG, 320×240 and
// 1024×768), decoded and resized to 32×32 RGB on one thread. Run: pnpm --filter @backprop/datasets bench:images.
// Never part of the tests; prints a table with the machine.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { loadImageFolder } from '../src/node.js';

const COUNT = 30; // per class, so 2 × COUNT images per row of the table

/** A smooth colour field with a seeded ripple: compresses like a photo more than like noise. */
function picture(width: number, height: number, seed: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const ripple = 40 * Math.sin((x * (seed % 7 + 1)) / 17 + (y * (seed % 5 + 1)) / 23);
      rgba.set([(x * 255) / width + ripple, (y * 255) / height - ripple, ((x + y + seed * 13) % 256) * 0.5 + 60, 255], (y * width + x) * 4);
    }
  }
  return rgba;
}

function writeFolder(format: 'png' | 'jpeg', width: number, height: number): string {
  const root = mkdtempSync(join(tmpdir(), 'backprop-bench-images-'));
  for (const name of ['cat', 'not-cat']) {
    mkdirSync(join(root, name));
    for (let i = 0; i < COUNT; i++) {
      const data = picture(width, height, i + (name === 'cat' ? 0 : 1000));
      const bytes = format === 'png' ? encodePng({ width, height, data, channels: 4, depth: 8 }) : encodeJpeg({ width, height, data }, 85).data;
      writeFileSync(join(root, name, `${i}.${format === 'png' ? 'png' : 'jpg'}`), bytes);
    }
  }
  return root;
}

console.log(`${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}; one thread, resized to 32×32 RGB\n`);
console.log('| format | size | images | images/s | megapixels/s |\n| --- | --- | --- | --- | --- |');
for (const [format, width, height] of [['jpeg', 320, 240], ['png', 320, 240], ['jpeg', 1024, 768], ['png', 1024, 768]] as const) {
  const root = writeFolder(format, width, height);
  await loadImageFolder(root, { width: 32, height: 32, color: 'rgb' }); // warm-up
  const started = performance.now();
  const data = await loadImageFolder(root, { width: 32, height: 32, color: 'rgb' });
  const seconds = (performance.now() - started) / 1000;
  console.log(`| ${format.toUpperCase()} | ${width}×${height} | ${data.shape[0]} | ${(data.shape[0] / seconds).toFixed(0)} | ${((data.shape[0] * width * height) / seconds / 1e6).toFixed(1)} |`);
  rmSync(root, { recursive: true });
}
