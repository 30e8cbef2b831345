import { mnistSplit } from '@backprop/datasets';
import { loadMnist } from '@backprop/datasets/node';
import { synthetic } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mnistTensors } from '../digits/digits-session';
import { lineThrough, TourSession, type TourDigits } from './tour-session';

let digits: TourDigits;
let test: TourDigits;
let tour: TourSession;

beforeAll(async () => {
  const split = mnistSplit(await loadMnist());
  const train = mnistTensors(split.train, 4000);
  const held = mnistTensors(split.test, 500);
  digits = { images: train.images.data, digits: train.labels.data };
  test = { images: held.images.data, digits: held.labels.data };
  tour = await TourSession.create(digits);
}, 60_000);

describe('TourSession', () => {
  it('computes the line y = a·x + b', () => {
    expect([...lineThrough(2, 1, Float32Array.of(0, 1, -2.5))]).toEqual([1, 3, -4]);
  });

  it('answers "is it a 3?" for held-out digits far better than always saying no, with both losses obeying their formulas', () => {
    let [threes, found, wrong] = [0, 0, 0];
    for (let i = 0; i < 100; i++) {
      const d = tour.forwardDigit(i);
      expect(d.simpleLoss).toBeCloseTo(Math.abs(d.label - d.p), 6);
      expect(d.crossEntropy).toBeCloseTo(d.label === 1 ? -Math.log(d.p) : -Math.log(1 - d.p), 4);
    }
    const count = test.digits.length;
    for (let i = 0; i < count; i++) {
      const p = tour.predict(test.images.subarray(i * 784, (i + 1) * 784));
      const label = test.digits[i] === 3 ? 1 : 0;
      if (label === 1) threes++;
      if (label === 1 && p > 0.5) found++;
      if ((p > 0.5 ? 1 : 0) !== label) wrong++;
    }
    expect(threes).toBeGreaterThan(20);
    expect(found / threes, `${found} of ${threes} threes found`).toBeGreaterThan(0.6);
    expect(wrong / count, `${wrong} of ${count} wrong`).toBeLessThan(0.06);
  });

  it('finite differences and backward agree within 1e-3 on the line, and match the hand-derived gradient', () => {
    const result = tour.compareGradients(0.5, -0.3, { repeats: 5 });
    const { x, y } = synthetic.line({ a: 2, b: 1, samples: 20, noise: 0.3, seed: 5 });
    let [da, db] = [0, 0];
    for (let i = 0; i < 20; i++) {
      const r = 0.5 * x.data[i]! - 0.3 - y.data[i]!;
      da += (2 * r * x.data[i]!) / 20;
      db += (2 * r) / 20;
    }
    expect(result.backward[0]).toBeCloseTo(da, 4);
    expect(result.backward[1]).toBeCloseTo(db, 4);
    for (const k of [0, 1]) expect(Math.abs(result.finiteDifference[k]! - result.backward[k]!)).toBeLessThan(1e-3);
    expect(result.forwardPasses).toBe(4);
    expect(result.digits.parameters).toBe(784 * 16 + 16 + 16 + 1);
    expect(result.digits.projectedFiniteDifferenceMs).toBeCloseTo(
      2 * result.digits.parameters * result.digits.forwardMs,
      6,
    );
    expect(result.finiteDifferenceMs).toBeGreaterThan(0);
    expect(result.backwardMs).toBeGreaterThan(0);
  });

  it('gradient descent on one digit moves its prediction toward the label, step after step', () => {
    const index = tour.findUnsure(0, true);
    const start = tour.forwardDigit(index);
    expect(start.label).toBe(1);
    expect(start.p).toBeLessThan(0.6);
    let p = start.p;
    for (let i = 0; i < 3; i++) {
      const after = tour.descend(index, 0.1);
      expect(after.before).toBe(p);
      expect(after.p).toBeGreaterThan(p);
      p = after.p;
    }
  });

  it('takes a drawn digit with the label the reader gives, and descends on it', () => {
    const { pixels } = tour.forwardDigit(tour.findUnsure(0, true));
    const drawn = tour.forwardDrawn(pixels, 0);
    expect([drawn.index, drawn.digit, drawn.label]).toEqual([-1, null, 0]);
    expect(drawn.crossEntropy).toBeCloseTo(-Math.log(1 - drawn.p), 4);
    const after = tour.descend({ pixels, label: 0 }, 0.1);
    expect(after.before).toBe(drawn.p);
    expect(after.p).toBeLessThan(drawn.p);
    expect(() => tour.forwardDrawn(new Float32Array(10), 1)).toThrow(
      'forwardDrawn: a drawing must be 28×28 = 784 pixels, got 10',
    );
  });
});
