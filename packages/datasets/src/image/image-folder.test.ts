// loadImageFolder / listImageFolder on folders written by the test: torchvision's class and file
// order, the tensors, progress, and every bad-input rule with and without skipBad.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ihdr, idat, IEND, jpeg, png, pngFromChunks } from '../../test/image-fixtures.js';
import { compareCodePoints, listImageFolder } from './folder-walk.js';
import { loadImageFolder, loadImageSync } from './image-folder.js';

const SIZE = { width: 4, height: 4, color: 'rgb' } as const;

/** A folder with `files` (relative path → bytes or text) written under a fresh temporary root. */
function folder(files: Record<string, Uint8Array | string>): string {
  const root = mkdtempSync(join(tmpdir(), 'backprop-images-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const solid = (value: number) =>
  png({ width: 2, height: 2, data: new Uint8Array(4).fill(value), channels: 1, depth: 8 });
const RED_JPEG = jpeg(8, 8, () => [255, 0, 0]);

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('loadImageFolder accepted the folder');
}

describe('compareCodePoints', () => {
  it("sorts as Python's sorted(): upper case before lower, astral characters after U+FFFF", () => {
    expect(['b', 'B', 'a', 'ab', 'A_'].sort(compareCodePoints)).toEqual(['A_', 'B', 'a', 'ab', 'b']);
    // UTF-16 order would put U+1F431 (a surrogate pair, 0xD83D…) before U+FF21.
    expect(['\u{1F431}', '\uFF21'].sort(compareCodePoints)).toEqual(['\uFF21', '\u{1F431}']);
    expect(['10', '9', '1'].sort(compareCodePoints)).toEqual(['1', '10', '9']);
  });
});

describe('loadImageFolder', () => {
  it("loads classes in torchvision's order with the images as float32 [N, C, H, W]", async () => {
    const root = folder({
      'not-cat/b.png': solid(0),
      'not-cat/A.png': solid(255),
      'cat/x.jpg': RED_JPEG,
      'cat/deeper/y.PNG': solid(51),
      'cat/a b/z.jpeg': RED_JPEG,
      'Zebra/only.png': solid(102),
      '.hidden/ignored.png': solid(0),
      'cat/.DS_Store': 'junk',
    });
    const progress: Array<[number, number]> = [];
    const data = await loadImageFolder(root, { ...SIZE, onProgress: (done, total) => progress.push([done, total]) });
    expect(data.classes).toEqual(['Zebra', 'cat', 'not-cat']);
    // os.walk order sorted by folder path ('cat' < 'cat/a b' < 'cat/deeper'), files sorted within each.
    expect(data.files).toEqual([
      'Zebra/only.png',
      'cat/x.jpg',
      'cat/a b/z.jpeg',
      'cat/deeper/y.PNG',
      'not-cat/A.png',
      'not-cat/b.png',
    ]);
    expect(Array.from(data.labels)).toEqual([0, 1, 1, 1, 2, 2]);
    expect(data.shape).toEqual([6, 3, 4, 4]);
    expect(data.images.length).toBe(6 * 48);
    const first = (i: number) => Array.from(data.images.subarray(i * 48, i * 48 + 48));
    expect(first(0).every((v) => Math.abs(v - 0.4) < 1e-6)).toBe(true);
    expect(first(4).every((v) => v === 1)).toBe(true);
    const red = first(1);
    expect([red[0]! > 0.95, red[16]! < 0.05, red[32]! < 0.05]).toEqual([true, true, true]);
    expect(progress[0]).toEqual([0, 6]);
    expect(progress.at(-1)).toEqual([6, 6]);
    expect(data.skipped).toEqual([]);
  });

  it('loads grey images with one channel', async () => {
    const root = folder({ 'a/1.png': solid(255), 'b/1.jpg': RED_JPEG });
    const data = await loadImageFolder(root, { width: 2, height: 2, color: 'grey' });
    expect(data.shape).toEqual([2, 1, 2, 2]);
    expect(Array.from(data.images.subarray(0, 4))).toEqual([1, 1, 1, 1]);
    expect(Math.abs(data.images[4]! - 0.299)).toBeLessThan(0.02);
  });

  it('refuses a file that is not an image, naming it, and skips it with skipBad', async () => {
    const root = folder({ 'a/1.png': solid(1), 'a/notes.txt': 'hello', 'b/2.png': solid(2), 'b/fake.jpg': 'GIF89a' });
    expect(await failure(loadImageFolder(root, SIZE))).toBe(
      `${join(root, 'a/notes.txt')}: not an image file by its name (PNG or JPEG expected); move it out of the image folder, or pass skipBad to skip it`,
    );
    const data = await loadImageFolder(root, { ...SIZE, skipBad: true });
    expect(data.files).toEqual(['a/1.png', 'b/2.png']);
    expect(data.skipped).toEqual([
      { file: join(root, 'a/notes.txt'), problem: 'not an image file by its name (PNG or JPEG expected)' },
      { file: join(root, 'b/fake.jpg'), problem: 'not a PNG or JPEG image (starts with "GIF89a")' },
    ]);
  });

  it('refuses a truncated image and one over the pixel limit, or skips them', async () => {
    const good = solid(9);
    const root = folder({
      'a/good.png': good,
      'a/cut.png': good.subarray(0, good.length - 15),
      'b/good.png': good,
      'b/bomb.png': pngFromChunks(ihdr(4294967295, 1), idat(1, 1), IEND),
    });
    expect(await failure(loadImageFolder(root, SIZE))).toMatch(
      new RegExp(
        `^${join(root, 'a/cut.png')}: PNG (is truncated|chunk).*; re-save or re-export the image \\(it is damaged\\), or pass skipBad to skip it$`,
      ),
    );
    const data = await loadImageFolder(root, { ...SIZE, skipBad: true });
    expect(data.files).toEqual(['a/good.png', 'b/good.png']);
    expect(data.skipped.map((s) => s.file)).toEqual([join(root, 'a/cut.png'), join(root, 'b/bomb.png')]);
    expect(data.skipped[1]!.problem).toBe(
      'PNG declares 4294967295×1 = 4,294,967,295 pixels, over the 50,000,000-pixel limit (maxPixels)',
    );
    expect(data.images.length).toBe(2 * 48);
  });

  it('refuses files at the top level, or skips them', async () => {
    const root = folder({ 'a/1.png': solid(1), 'b/1.png': solid(2), 'stray.png': solid(3) });
    expect(await failure(loadImageFolder(root, SIZE))).toBe(
      `${join(root, 'stray.png')}: a file at the top level of an image folder, which holds one subfolder per class; move it into its class folder, or pass skipBad to skip it`,
    );
    expect((await loadImageFolder(root, { ...SIZE, skipBad: true })).skipped).toHaveLength(1);
  });

  it('refuses an empty class folder, a class whose every file is bad, a single class, no folder', async () => {
    const empty = folder({ 'a/1.png': solid(1), 'b/readme.md': 'x' });
    expect(await failure(loadImageFolder(empty, SIZE))).toBe(
      await failure(loadImageFolder(empty, { ...SIZE, skipBad: true })),
    );
    expect(await failure(loadImageFolder(empty, SIZE))).toBe(
      `${join(empty, 'b')}: class folder has no PNG or JPEG image; add images to it or remove the folder`,
    );
    const allBad = folder({ 'a/1.png': solid(1), 'b/1.png': 'not a png' });
    expect(await failure(loadImageFolder(allBad, { ...SIZE, skipBad: true }))).toBe(
      `${join(allBad, 'b')}: class folder has no readable image once bad files are skipped; add images that decode, or remove the folder`,
    );
    const single = folder({ 'cat/1.png': solid(1) });
    expect(await failure(loadImageFolder(single, SIZE))).toBe(
      `${single}: has one class folder (cat); a classifier needs at least two; add one subfolder per class (e.g. pictures/cat and pictures/not-cat)`,
    );
    expect(await failure(loadImageFolder(join(single, 'nope'), SIZE))).toMatch(
      /nope: no such folder; give a folder with one subfolder per class/,
    );
  });

  it('refuses a FIFO without blocking, and bounds the image count and the output size', async () => {
    const root = folder({ 'a/1.png': solid(1), 'b/1.png': solid(2) });
    writeFileSync(join(root, 'b/2.png'), solid(3));
    const fifo = folder({ 'a/1.png': solid(1), 'b/1.png': solid(2) });
    execFileSync('mkfifo', [join(fifo, 'b/2.png')]);
    expect(await failure(loadImageFolder(fifo, SIZE))).toBe(
      `${join(fifo, 'b/2.png')}: not a regular file (a directory, FIFO, socket or device); give the path of an image file, or pass skipBad to skip it`,
    );
    await expect(loadImageFolder(root, { ...SIZE, width: 0 })).rejects.toThrow(
      /width and height must be integers ≥ 1, got 0×4/,
    );
    await expect(loadImageFolder(root, { ...SIZE, width: 5000, height: 5000 })).rejects.toThrow(
      /5000×5000 images are over the 16777216-pixel output size limit/,
    );
    expect(await failure(loadImageFolder(root, { ...SIZE, maxImages: 2 }))).toMatch(
      /holds 3 images, over the 2-image limit \(maxImages\)/,
    );
  });

  it('follows a symbolic link to a class folder, and stops a link loop', async () => {
    const root = folder({ 'a/1.png': solid(1), 'elsewhere/1.png': solid(2) });
    symlinkSync(join(root, 'elsewhere'), join(root, 'b'));
    expect(listImageFolder(root).classes).toEqual(['a', 'b', 'elsewhere']);
    symlinkSync(join(root, 'a'), join(root, 'a', 'loop'));
    expect(() => listImageFolder(root)).toThrow(
      /nested more than 16 folders deep in a class folder \(a link loop\?\); flatten the class folder/,
    );
  });
});

describe('loadImageSync', () => {
  it('refuses a file over maxFileBytes before reading it', () => {
    const root = folder({ 'big.png': solid(1) });
    expect(() => loadImageSync(join(root, 'big.png'), { ...SIZE, maxFileBytes: 10 })).toThrow(
      /big\.png: \d+ bytes, over the 10-byte limit for an image file \(maxFileBytes\); shrink the image, or raise maxFileBytes/,
    );
  });
});

describe('a class folder whose symbolic links fan out', () => {
  it('stops after maxFolders folders instead of walking 3^13 paths', () => {
    const root = mkdtempSync(join(tmpdir(), 'fan-out-'));
    for (const name of ['cat', 'dog']) mkdirSync(join(root, name));
    // d0 … d13, each holding three links to the next: ~1.6 M paths within the depth limit.
    for (let level = 13; level >= 0; level--) mkdirSync(join(root, 'cat', `d${level}`));
    for (let level = 0; level < 13; level++) {
      for (const link of ['a', 'b', 'c'])
        symlinkSync(join(root, 'cat', `d${level + 1}`), join(root, 'cat', `d${level}`, link));
    }
    const started = Date.now();
    expect(() => listImageFolder(root)).toThrow(/cat: holds more than 10000 folders \(symbolic links that fan out\?\)/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
