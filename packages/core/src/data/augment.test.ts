// randomShift and randomHorizontalFlip: seeded draws per image, exact pixel moves, checked input.
import { describe, expect, it } from 'vitest';
import { Generator } from '../random/generator.js';
import { arange, tensor } from '../tensor/create.js';
import { randomHorizontalFlip, randomShift } from './augment.js';

describe('randomShift', () => {
  it('moves every channel of an image by the same drawn (dx, dy), zeros shifted in', () => {
    const images = arange(0, 2 * 2 * 3 * 3)
      .add(1)
      .reshape([2, 2, 3, 3]);
    const drawn = new Generator(7);
    const offsets = [0, 1].map(() => [drawn.int(-1, 2), drawn.int(-1, 2)] as const);
    const shifted = randomShift(images, 1, new Generator(7));
    offsets.forEach(([dx, dy], n) => {
      for (let c = 0; c < 2; c++) {
        for (let y = 0; y < 3; y++) {
          for (let x = 0; x < 3; x++) {
            const [sy, sx] = [y - dy, x - dx];
            const expected = sy >= 0 && sy < 3 && sx >= 0 && sx < 3 ? images.data[((n * 2 + c) * 3 + sy) * 3 + sx]! : 0;
            expect(shifted.data[((n * 2 + c) * 3 + y) * 3 + x], `image ${n} channel ${c} (${y}, ${x})`).toBe(expected);
          }
        }
      }
    });
    expect(shifted.shape).toEqual([2, 2, 3, 3]);
    expect(randomShift(images, 0).data).toEqual(images.data);
    expect(randomShift(images, 1, new Generator(7)).data).toEqual(shifted.data);
  });

  it('names bad input and the fix', () => {
    expect(() => randomShift(tensor([[1, 2]]), 1)).toThrow(
      'randomShift: expected images [N, C, H, W], got [1,2]; reshape flat rows first',
    );
    expect(() => randomShift(arange(0, 4).reshape([1, 1, 2, 2]), 1.5)).toThrow(
      'randomShift: maxShift must be an integer ≥ 0, got 1.5',
    );
  });
});

describe('randomHorizontalFlip', () => {
  it('mirrors every channel of the images whose draw falls below p, left to right', () => {
    const images = arange(0, 4 * 2 * 2 * 3).reshape([4, 2, 2, 3]);
    const drawn = new Generator(11);
    const flips = [0, 1, 2, 3].map(() => drawn.uniform(0, 1) < 0.5);
    expect(flips).toContain(true);
    expect(flips).toContain(false);
    const out = randomHorizontalFlip(images, 0.5, new Generator(11));
    for (let n = 0; n < 4; n++) {
      for (let row = 0; row < 4; row++) {
        const start = (n * 4 + row) * 3;
        const source = Array.from(images.data.subarray(start, start + 3));
        expect(Array.from(out.data.subarray(start, start + 3)), `image ${n} row ${row}`).toEqual(
          flips[n] ? source.reverse() : source,
        );
      }
    }
    expect(randomHorizontalFlip(images, 0).data).toEqual(images.data);
    expect(images.data[0]).toBe(0); // the input is left as it was
  });

  it('names bad input', () => {
    expect(() => randomHorizontalFlip(tensor([[1, 2]]))).toThrow(
      'randomHorizontalFlip: expected images [N, C, H, W], got [1,2]',
    );
    expect(() => randomHorizontalFlip(arange(0, 4).reshape([1, 1, 2, 2]), 2)).toThrow(
      'randomHorizontalFlip: p must be a probability in [0, 1], got 2',
    );
  });
});
