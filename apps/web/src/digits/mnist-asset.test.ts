import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { MNIST_DATA_PATH } from '@backprop/datasets/node';
import { describe, expect, it } from 'vitest';
import { decodeMnistAsset } from './mnist-asset';

describe('decodeMnistAsset', () => {
  const gzipped = new Uint8Array(readFileSync(MNIST_DATA_PATH));

  it('reads the gzip’d file and the same file already gunzipped by the browser alike', async () => {
    const [fromGzip, fromPlain] = await Promise.all([
      decodeMnistAsset(gzipped),
      decodeMnistAsset(new Uint8Array(gunzipSync(gzipped))),
    ]);
    expect(fromGzip.count).toBe(10_000);
    expect(fromPlain.count).toBe(10_000);
    expect(fromPlain.labels).toEqual(fromGzip.labels);
  });

  it('rejects bytes that are neither', async () => {
    await expect(decodeMnistAsset(new Uint8Array([60, 33, 100, 111]))).rejects.toThrow(/decodeMnist: truncated/);
  });
});
