import { describe, expect, it } from 'vitest';
import { median, spread } from './statistics.js';

describe('median', () => {
  it('takes the middle of an odd count and the mean of the two middles of an even count, in any order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('leaves its input unsorted', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('refuses an empty list', () => {
    expect(() => median([])).toThrow('median: no values');
  });
});

describe('spread', () => {
  it('is the range over the median, 0 when all values agree', () => {
    expect(spread([10, 12, 11])).toBeCloseTo(2 / 11, 12);
    expect(spread([4, 4, 4])).toBe(0);
    expect(spread([0, 0])).toBe(0);
  });
});
