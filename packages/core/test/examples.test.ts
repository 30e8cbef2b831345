// Smoke tests of the numbered examples: each runs briefly on little data and must learn something.
import { describe, expect, it } from 'vitest';
import { run as line } from '../examples/01-line.js';
import { run as threeOrNot } from '../examples/02-three-or-not.js';
import { run as mnistMlp } from '../examples/03-mnist-mlp.js';
import { run as mnistCnn } from '../examples/04-mnist-cnn.js';

const quiet = () => {};

describe('examples', () => {
  it('01 fits the line: the loss falls and a, b approach 3 and -2', () => {
    const { a, b, losses } = line({ steps: 100, log: quiet });
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 100);
    expect(Math.abs(a - 3)).toBeLessThan(0.05);
    expect(Math.abs(b + 2)).toBeLessThan(0.05);
  });

  it('02 tells 3s from other digits better than always answering "no"', () => {
    const { accuracy } = threeOrNot({ epochs: 2, limit: 2000, log: quiet });
    expect(accuracy).toBeGreaterThan(0.93);
  });

  it('03 trains the MLP well above chance on a small slice', () => {
    const { accuracy } = mnistMlp({ epochs: 2, limit: 2000, log: quiet });
    expect(accuracy).toBeGreaterThan(0.8);
  }, 60_000);

  it('04 trains the CNN above chance on a small slice', () => {
    const { accuracy } = mnistCnn({ epochs: 1, limit: 1000, log: quiet });
    expect(accuracy).toBeGreaterThan(0.4);
  }, 60_000);
});
