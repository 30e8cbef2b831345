// IDX parsing on byte arrays written out by hand: headers, dtypes, MNIST tensors, and each error.
import { describe, expect, it } from 'vitest';
import { idxImagesToTensor, idxLabelsToTensor, mnistFromIdx, parseIdx } from './idx.js';

// Two 2×3 uint8 images: magic 0x00000803, then N = 2, rows = 2, cols = 3 (big-endian uint32s).
const IMAGES = Uint8Array.of(
  0x00,
  0x00,
  0x08,
  0x03,
  0x00,
  0x00,
  0x00,
  0x02,
  0x00,
  0x00,
  0x00,
  0x02,
  0x00,
  0x00,
  0x00,
  0x03,
  0,
  51,
  102,
  153,
  204,
  255,
  255,
  0,
  0,
  0,
  0,
  1,
);
// Two labels: magic 0x00000801, N = 2.
const LABELS = Uint8Array.of(0x00, 0x00, 0x08, 0x01, 0x00, 0x00, 0x00, 0x02, 7, 3);

describe('parseIdx', () => {
  it('reads a uint8 header and values', () => {
    const idx = parseIdx(IMAGES);
    expect(idx.dtype).toBe('uint8');
    expect(idx.shape).toEqual([2, 2, 3]);
    expect(idx.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(idx.data)).toEqual([0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 1]);
  });

  it('reads big-endian lengths above 255', () => {
    const bytes = new Uint8Array(8 + 0x0102);
    bytes.set([0x00, 0x00, 0x08, 0x01, 0x00, 0x00, 0x01, 0x02]);
    expect(parseIdx(bytes).shape).toEqual([258]);
  });

  it('reads the wider big-endian types', () => {
    const int16 = parseIdx(Uint8Array.of(0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe));
    expect(int16.dtype).toBe('int16');
    expect(Array.from(int16.data)).toEqual([0x0102, -2]);
    const int32 = parseIdx(Uint8Array.of(0, 0, 0x0c, 1, 0, 0, 0, 1, 0x00, 0x01, 0x00, 0x00));
    expect(Array.from(int32.data)).toEqual([65536]);
    const float32 = parseIdx(Uint8Array.of(0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0x00, 0x00));
    expect(Array.from(float32.data)).toEqual([1.5]);
    const float64 = parseIdx(Uint8Array.of(0, 0, 0x0e, 1, 0, 0, 0, 1, 0xc0, 0x00, 0, 0, 0, 0, 0, 0));
    expect(Array.from(float64.data)).toEqual([-2]);
    const int8 = parseIdx(Uint8Array.of(0, 0, 0x09, 1, 0, 0, 0, 1, 0xff));
    expect(Array.from(int8.data)).toEqual([-1]);
  });

  it('works on a view into a larger buffer and copies the values out', () => {
    const larger = new Uint8Array(IMAGES.length + 5);
    larger.set(IMAGES, 3);
    const view = larger.subarray(3, 3 + IMAGES.length);
    const idx = parseIdx(view);
    expect(idx.shape).toEqual([2, 2, 3]);
    larger[3 + 16] = 99;
    expect(idx.data[0]).toBe(0);
  });

  it('reports a wrong magic number in hex, expected vs found', () => {
    expect(() => parseIdx(LABELS, 'train-images-idx3-ubyte', { magic: 0x00000803 })).toThrow(
      'train-images-idx3-ubyte: wrong magic number: expected 0x00000803 (uint8, 3 dimensions), found 0x00000801 (uint8, 1 dimension)',
    );
    const html = new TextEncoder().encode('<!DOCTYPE html>');
    expect(() => parseIdx(html, 'page', { magic: 0x00000803 })).toThrow('found 0x3c21444f (not an IDX header)');
    expect(() => parseIdx(html, 'page')).toThrow('page: not an IDX file: magic number 0x3c21444f should be 0x0000TTDD');
    expect(() => parseIdx(Uint8Array.of(0, 0, 0x07, 1, 0, 0, 0, 0), 'odd')).toThrow('odd: not an IDX file');
  });

  it('reports a truncated file: expected vs actual byte count', () => {
    expect(() => parseIdx(IMAGES.subarray(0, 20), 'train-images')).toThrow(
      'train-images: truncated file: expected 28 bytes (16-byte header + 2×2×3 uint8 values), found 20',
    );
    expect(() => parseIdx(IMAGES.subarray(0, 10), 'train-images')).toThrow(
      'train-images: truncated file: expected at least 16 bytes (the header of 3 dimensions), found 10',
    );
    expect(() => parseIdx(Uint8Array.of(0, 0), 'empty')).toThrow(
      'empty: truncated file: expected at least 4 bytes (the magic number), found 2',
    );
    expect(() => parseIdx(Uint8Array.of(...LABELS, 0, 0), 'labels')).toThrow(
      'labels: 2 unexpected bytes after the data: expected 10 bytes (8-byte header + 2 uint8 values), found 12',
    );
  });

  it('recognises gzip data and says how to read it', () => {
    expect(() => parseIdx(Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0), 'x.gz')).toThrow(
      "x.gz: looks gzip-compressed (starts with 1f 8b); gunzip it first, or read it with readIdxFile from '@backprop/core/node'",
    );
  });
});

describe('IDX to tensors', () => {
  it('scales images to [0, 1] as [N, 1, rows, cols] or flattened', () => {
    const images = idxImagesToTensor(parseIdx(IMAGES));
    expect(images.shape).toEqual([2, 1, 2, 3]);
    expect(Array.from(images.data.subarray(0, 6))).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1].map(Math.fround));
    expect(idxImagesToTensor(parseIdx(IMAGES), { flatten: true }).shape).toEqual([2, 6]);
    expect(() => idxImagesToTensor(parseIdx(LABELS))).toThrow(
      'images: expected uint8 images of shape [N, rows, cols], got uint8 of shape [2]',
    );
  });

  it('turns labels into float32 class indices', () => {
    expect(idxLabelsToTensor(parseIdx(LABELS)).toArray()).toEqual([7, 3]);
  });

  it('builds an MNIST dataset of [image, label] pairs', () => {
    const mnist = mnistFromIdx(IMAGES, LABELS, { flatten: true });
    expect(mnist.length).toBe(2);
    const [image, label] = mnist.get(1);
    expect(image.shape).toEqual([6]);
    expect(Array.from(image.data)).toEqual([1, 0, 0, 0, 0, 1 / 255].map(Math.fround));
    expect(label.item()).toBe(3);
    expect(mnistFromIdx(IMAGES, LABELS).get(0)[0].shape).toEqual([1, 2, 3]);
  });

  it('names both files when image and label counts differ', () => {
    const threeLabels = Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3);
    expect(() => mnistFromIdx(IMAGES, threeLabels, { imagesName: 'train-images', labelsName: 't10k-labels' })).toThrow(
      'mnistFromIdx: train-images has 2 images but t10k-labels has 3 labels; use the images and labels files of the same split',
    );
  });

  it('catches swapped files by their magic numbers', () => {
    expect(() => mnistFromIdx(LABELS, IMAGES, { imagesName: 'a', labelsName: 'b' })).toThrow(
      'a: wrong magic number: expected 0x00000803 (uint8, 3 dimensions), found 0x00000801 (uint8, 1 dimension)',
    );
  });
});
