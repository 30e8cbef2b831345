// Decoding an image folder on threads gives what the calling thread gives, bit for bit: the same
// tensors, labels, files, skipped files and first error, in torchvision's order; progress reaches
// the total; small folders stay on the calling thread.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jpeg, png } from '../../test/image-fixtures.js';
import { loadImageFolder, type ImageFolderData } from './image-folder.js';

const OPTIONS = { width: 12, height: 10, color: 'rgb' } as const;
/** 210 pictures are fewer than PARALLEL_MIN_IMAGES: the threaded calls ask for threads anyway. */
const ON_THREADS = { parallelMinImages: 1 } as const;

/** 3 classes × 70 pictures of mixed formats and sizes, seeded, with bad files among them (`bad`). */
function mixedFolder(bad: boolean): string {
  const root = mkdtempSync(join(tmpdir(), 'backprop-pool-'));
  let seed = 1;
  const noise = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
  for (const name of ['b', 'a', 'C']) {
    mkdirSync(join(root, name, 'sub'), { recursive: true });
    for (let i = 0; i < 70; i++) {
      const [width, height] = [8 + (i % 9) * 5, 6 + (i % 7) * 6];
      const path = join(root, name, i % 10 === 0 ? 'sub' : '', `${i}.${i % 3 === 0 ? 'jpg' : 'png'}`);
      if (i % 3 === 0)
        writeFileSync(
          path,
          jpeg(width, height, () => [noise(), noise(), noise()]),
        );
      else
        writeFileSync(
          path,
          png({ width, height, data: Uint8Array.from({ length: width * height * 4 }, noise), channels: 4, depth: 8 }),
        );
    }
  }
  if (bad) {
    writeFileSync(join(root, 'a', '35.png'), 'not a picture'); // early in class a (index 0): the first bad file in order
    writeFileSync(join(root, 'b', '5.png'), new Uint8Array(0));
    writeFileSync(join(root, 'C', '68.png'), new Uint8Array(0)); // the first class in order: C < a < b
  }
  return root;
}

function same(parallel: ImageFolderData, serial: ImageFolderData): void {
  expect(
    Buffer.from(parallel.images.buffer, parallel.images.byteOffset, parallel.images.byteLength).equals(
      Buffer.from(serial.images.buffer, serial.images.byteOffset, serial.images.byteLength),
    ),
  ).toBe(true);
  expect(parallel.images.length).toBe(serial.images.length);
  expect(Array.from(parallel.labels)).toEqual(Array.from(serial.labels));
  expect(parallel.files).toEqual(serial.files);
  expect(parallel.skipped).toEqual(serial.skipped);
  expect(parallel.shape).toEqual(serial.shape);
}

describe('loadImageFolder on threads', () => {
  it("equals the calling thread's decoding, bit for bit, in torchvision's order, with progress", async () => {
    const root = mixedFolder(false);
    const serial = await loadImageFolder(root, { ...OPTIONS, threads: 1 });
    const progress: number[] = [];
    const parallel = await loadImageFolder(root, {
      ...OPTIONS,
      ...ON_THREADS,
      threads: 2,
      onProgress: (done, total) => progress.push(done, total),
    });
    same(parallel, serial);
    expect(serial.shape).toEqual([210, 3, 10, 12]);
    expect(serial.files.slice(0, 2)).toEqual(['C/1.png', 'C/11.png']); // code-point order: 11 before 2
    expect(serial.files[63]).toBe('C/sub/0.jpg');
    expect(parallel.images.buffer).toBeInstanceOf(SharedArrayBuffer); // decoded on threads, not on this one
    expect(serial.images.buffer).toBeInstanceOf(ArrayBuffer);
    expect(progress.slice(0, 2)).toEqual([0, 210]);
    expect(progress.slice(-2)).toEqual([210, 210]);
    const grey = { width: 7, height: 9, color: 'grey', fit: 'pad', background: 0.25 } as const;
    same(
      await loadImageFolder(root, { ...grey, ...ON_THREADS, threads: 3 }),
      await loadImageFolder(root, { ...grey, threads: 1 }),
    );
  }, 60_000);

  it('fails on the first bad file in order, and skips the same files with skipBad', async () => {
    const root = mixedFolder(true);
    const first = await loadImageFolder(root, { ...OPTIONS, threads: 1 }).catch((error: Error) => error.message);
    expect(first).toBe(
      `${join(root, 'C', '68.png')}: the file is empty (0 bytes); give a PNG or JPEG image, or pass skipBad to skip it`,
    );
    expect(
      await loadImageFolder(root, { ...OPTIONS, ...ON_THREADS, threads: 2 }).catch((error: Error) => error.message),
    ).toBe(first);
    const serial = await loadImageFolder(root, { ...OPTIONS, threads: 1, skipBad: true });
    const parallel = await loadImageFolder(root, { ...OPTIONS, ...ON_THREADS, threads: 2, skipBad: true });
    same(parallel, serial);
    expect(serial.skipped.map((s) => s.file)).toEqual([
      join(root, 'C', '68.png'),
      join(root, 'a', '35.png'),
      join(root, 'b', '5.png'),
    ]);
    expect(serial.shape[0]).toBe(207);
  }, 60_000);

  it('stays on the calling thread below parallelMinImages, and checks threads', async () => {
    const root = mixedFolder(false);
    expect(
      (await loadImageFolder(root, { ...OPTIONS, threads: 2, parallelMinImages: 211 })).images.buffer,
    ).toBeInstanceOf(ArrayBuffer);
    await expect(loadImageFolder(root, { ...OPTIONS, threads: 0 })).rejects.toThrow(
      'threads must be a positive integer, got 0',
    );
  }, 60_000);
});
