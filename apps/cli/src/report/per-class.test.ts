// The per-class phrase of the epoch line: names or indices, every class when few, the worst few when many.
import { describe, expect, it } from 'vitest';
import { perClassPhrase } from './per-class.js';
import { epochLine } from './reporter.js';

describe('perClassPhrase', () => {
  it('lists every class by name when there are few', () => {
    expect(perClassPhrase({ correct: [19, 14], count: [20, 16] }, ['cat', 'not-cat'])).toBe('cat 95.0%, not-cat 87.5%');
    expect(perClassPhrase({ correct: [3, 0, 1], count: [4, 0, 2] }, null)).toBe('0 75.0%, 1 —, 2 50.0%');
  });

  it('shows the three worst of many classes, leaving out classes the set lacks', () => {
    const count = [10, 10, 10, 10, 10, 10, 10, 10, 10, 0, 10];
    const correct = [10, 9, 10, 5, 10, 7, 10, 10, 8, 0, 10];
    expect(perClassPhrase({ correct, count }, null)).toBe('worst: 3 50.0%, 5 70.0%, 8 80.0% of 11');
  });

  it('cuts long class names', () => {
    expect(perClassPhrase({ correct: [1, 1], count: [1, 2] }, ['a'.repeat(40), 'b'])).toBe(
      `${'a'.repeat(23)}… 100.0%, b 50.0%`,
    );
  });

  it('goes after the overall accuracy in the epoch line', () => {
    const event = {
      epoch: 2,
      epochs: 10,
      trainLoss: 0.5,
      testLoss: 0.25,
      testAccuracy: 33 / 36,
      samplesPerSecond: 1234,
      lr: 0.01,
      seconds: 3.25,
    };
    expect(epochLine({ ...event, perClass: { correct: [19, 14], count: [20, 16] } }, ['cat', 'not-cat'])).toBe(
      'epoch  2/10  train loss 0.5000  test loss 0.2500  test accuracy 91.67% (cat 95.0%, not-cat 87.5%)  1,234 samples/s  (3.3 s)',
    );
    expect(epochLine({ ...event, perClass: null })).toBe(
      'epoch  2/10  train loss 0.5000  test loss 0.2500  test accuracy 91.67%  1,234 samples/s  (3.3 s)',
    );
  });
});
