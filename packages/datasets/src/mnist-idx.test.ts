// mnistAsIdx: views of the digits in IDX form, cut to a limit, checked limits.
import { describe, expect, it } from 'vitest';
import type { MnistData } from './mnist-format.js';
import { mnistAsIdx } from './mnist-idx.js';

const data: MnistData = {
  images: Uint8Array.from({ length: 3 * 2 * 2 }, (_, i) => i * 20),
  labels: Uint8Array.of(7, 1, 9),
  count: 3,
  rows: 2,
  cols: 2,
};

describe('mnistAsIdx', () => {
  it('shapes all digits as [N, rows, cols] images and [N] labels, viewing the same bytes', () => {
    const { images, labels } = mnistAsIdx(data);
    expect(images.dtype).toBe('uint8');
    expect(images.shape).toEqual([3, 2, 2]);
    expect([...images.data]).toEqual([...data.images]);
    expect(images.data.buffer).toBe(data.images.buffer);
    expect(labels.shape).toEqual([3]);
    expect([...labels.data]).toEqual([7, 1, 9]);
  });

  it('keeps the first `limit` digits, and all of them past the count', () => {
    const { images, labels } = mnistAsIdx(data, 2);
    expect(images.shape).toEqual([2, 2, 2]);
    expect([...images.data]).toEqual([0, 20, 40, 60, 80, 100, 120, 140]);
    expect([...labels.data]).toEqual([7, 1]);
    expect(mnistAsIdx(data, Number.POSITIVE_INFINITY).images.shape).toEqual([3, 2, 2]);
  });

  it('refuses a limit that is not a whole number ≥ 0', () => {
    expect(() => mnistAsIdx(data, -1)).toThrow('mnistAsIdx: limit must be a whole number ≥ 0, got -1');
    expect(() => mnistAsIdx(data, 1.5)).toThrow('mnistAsIdx: limit must be a whole number ≥ 0, got 1.5');
  });
});
