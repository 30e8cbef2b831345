// Images/s of loadImageFolder on a generated folder of photo-like pictures (JPEG and PNG of mixed
// sizes), decoded and resized to 32×32 RGB on one thread and on every core. Never part of the tests.
// Run: pnpm --filter @backprop/datasets bench:images [--count 2000] (builds first); prints a table with the
// machine, the date, Node, the load and the CPU time stolen by the hypervisor during each row.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encode as encodePng } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { loadImageFolder } from '@backprop/datasets/node'; // dist/ under tsx (worker threads load plain JavaScript, as users' do); src/ for tsc

const { values } = parseArgs({ options: { count: { type: 'string', default: '2000' } } });
const COUNT = Number(values.count); // pictures per format, half in each class
const SIZES: ReadonlyArray<readonly [number, number]> = [
  [160, 120],
  [320, 240],
  [240, 320],
  [400, 300],
  [96, 96],
];

/** A smooth colour field with a seeded ripple: compresses like a photo more than like noise. */
function picture(width: number, height: number, seed: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const ripple = 40 * Math.sin((x * ((seed % 7) + 1)) / 17 + (y * ((seed % 5) + 1)) / 23);
      rgba.set(
        [(x * 255) / width + ripple, (y * 255) / height - ripple, ((x + y + seed * 13) % 256) * 0.5 + 60, 255],
        (y * width + x) * 4,
      );
    }
  }
  return rgba;
}

function writeFolder(format: 'png' | 'jpeg'): { root: string; megapixels: number } {
  const root = mkdtempSync(join(tmpdir(), 'backprop-bench-images-'));
  let pixels = 0;
  for (const name of ['cat', 'not-cat']) mkdirSync(join(root, name));
  for (let i = 0; i < COUNT; i++) {
    const [width, height] = SIZES[i % SIZES.length]!;
    const data = picture(width, height, i);
    const bytes =
      format === 'png'
        ? encodePng({ width, height, data, channels: 4, depth: 8 })
        : encodeJpeg({ width, height, data }, 85).data;
    writeFileSync(join(root, i % 2 === 0 ? 'cat' : 'not-cat', `${i}.${format === 'png' ? 'png' : 'jpg'}`), bytes);
    pixels += width * height;
  }
  return { root, megapixels: pixels / 1e6 };
}

/** CPU ticks of the whole machine (all, steal) from /proc/stat; null where there is none. */
function cpuTicks(): { total: number; steal: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { total: fields.slice(0, 8).reduce((a, b) => a + b, 0), steal: fields[7] ?? 0 };
  } catch {
    return null;
  }
}

const cores = availableParallelism();
console.log(
  `@backprop/datasets images benchmark — ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cores} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z`,
);
console.log(
  `${COUNT} pictures per format (sizes ${SIZES.map(([w, h]) => `${w}×${h}`).join(', ')}), loadImageFolder → 32×32 RGB; load average ${loadavg()
    .map((v) => v.toFixed(1))
    .join(' ')} at start\n`,
);
console.log('| format | threads | images | seconds | images/s | megapixels/s | speed-up | load (1 min) | steal |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const format of ['jpeg', 'png'] as const) {
  const { root, megapixels } = writeFolder(format);
  await loadImageFolder(root, { width: 32, height: 32, color: 'rgb', threads: 1, parallelMinImages: 1 }); // warm-up (file cache, JIT)
  let serial = 0;
  for (const threads of [1, cores]) {
    const before = cpuTicks();
    const started = performance.now();
    const data = await loadImageFolder(root, { width: 32, height: 32, color: 'rgb', threads, parallelMinImages: 1 });
    const seconds = (performance.now() - started) / 1000;
    const after = cpuTicks();
    const steal =
      before && after && after.total > before.total
        ? `${((100 * (after.steal - before.steal)) / (after.total - before.total)).toFixed(1)}%`
        : '—';
    const rate = data.shape[0] / seconds;
    if (threads === 1) serial = rate;
    console.log(
      `| ${format.toUpperCase()} | ${threads} | ${data.shape[0]} | ${seconds.toFixed(1)} | ${rate.toFixed(0)} | ${(megapixels / seconds).toFixed(1)} | ${(rate / serial).toFixed(2)}× | ${loadavg()[0]!.toFixed(1)} | ${steal} |`,
    );
  }
  rmSync(root, { recursive: true });
}
