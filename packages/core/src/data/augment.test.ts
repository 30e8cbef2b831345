// randomShift: whole-pixel moves with zeros shifted in, two seeded draws per image, checked input.
import { describe, expect, it } from 'vitest';
import { Generator } from '../random/generator.js';
import { arange, tensor } from '../tensor/create.js';
import { randomShift } from './augment.js';

describe('randomShift', () => {
  it('moves every channel of an image by the same drawn (dx, dy), zeros shifted in', () => {
    const images = arange(0, 2 * 2 * 3 * 3).add(1).reshape([2, 2, 3, 3]);
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
    expect(() => randomShift(tensor([[1, 2]]), 1)).toThrow('randomShift: expected images [N, C, H, W], got [1,2]; reshape flat rows first');
    expect(() => randomShift(arange(0, 4).reshape([1, 1, 2, 2]), 1.5)).toThrow('randomShift: maxShift must be an integer ≥ 0, got 1.5');
  });
});
