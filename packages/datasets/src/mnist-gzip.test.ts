// Tests for decodeMnistGzip, the browser path (DecompressionStream), run here under Node.

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeMnist, type MnistData } from './mnist-format.js';
import { decodeMnistGzip } from './mnist-gzip.js';

const tiny: MnistData = {
  images: Uint8Array.from({ length: 5 * 784 }, (_, i) => (i * 13) & 0xff),
  labels: Uint8Array.of(0, 1, 2, 3, 9),
  count: 5,
  rows: 28,
  cols: 28,
};

describe('decodeMnistGzip', () => {
  it('gunzips and decodes', async () => {
    await expect(decodeMnistGzip(gzipSync(encodeMnist(tiny)))).resolves.toEqual(tiny);
  });

  it('names bytes that are not gzip', async () => {
    await expect(decodeMnistGzip(encodeMnist(tiny))).rejects.toThrow(
      'decodeMnistGzip: not gzip data (the first bytes are not 1f 8b); for uncompressed bytes use decodeMnist(bytes)',
    );
  });

  it('names corrupt gzip data', async () => {
    const broken = gzipSync(encodeMnist(tiny));
    broken.fill(0x55, 20, 60);
    await expect(decodeMnistGzip(broken)).rejects.toThrow(/^decodeMnistGzip: corrupt gzip data: /);
  });

  it('passes truncated content on to decodeMnist, which names it', async () => {
    const truncated = encodeMnist(tiny).subarray(0, 100);
    await expect(decodeMnistGzip(gzipSync(truncated))).rejects.toThrow(/^decodeMnist: truncated: 100 bytes/);
  });
});
