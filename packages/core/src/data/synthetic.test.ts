// Synthetic sets: shapes, balanced alternating labels, the geometry of each set, and seeded determinism.
import { describe, expect, it } from 'vitest';
import { Generator } from '../random/generator.js';
import { circles, gaussians, line, spiral, xor, type ClassificationSet, type SyntheticOptions } from './synthetic.js';

const sets: [string, (options?: SyntheticOptions) => ClassificationSet][] = [
  ['spiral', spiral],
  ['circles', circles],
  ['xor', xor],
  ['gaussians', gaussians],
];

function points(set: ClassificationSet): { x: number; y: number; label: number }[] {
  return Array.from(set.labels.data, (label, i) => ({
    x: set.inputs.data[2 * i]!,
    y: set.inputs.data[2 * i + 1]!,
    label,
  }));
}

describe.each(sets)('%s', (name, make) => {
  it('has inputs [N, 2] and balanced, alternating 0/1 labels', () => {
    const set = make({ samples: 101, noise: 0.1, seed: 0 });
    expect(set.inputs.shape).toEqual([101, 2]);
    expect(set.labels.shape).toEqual([101]);
    const labels = Array.from(set.labels.data);
    expect(labels.slice(0, 4)).toEqual([1, 0, 1, 0]);
    expect(labels.filter((label) => label === 1)).toHaveLength(51);
    expect(labels.filter((label) => label === 0)).toHaveLength(50);
    expect(set.inputs.data.every(Number.isFinite)).toBe(true);
  });

  it('is the same for the same seed, different for another', () => {
    const a = make({ samples: 50, noise: 0.2, seed: 3 });
    expect(Array.from(make({ samples: 50, noise: 0.2, seed: 3 }).inputs.data)).toEqual(Array.from(a.inputs.data));
    expect(Array.from(make({ samples: 50, noise: 0.2, generator: new Generator(3) }).inputs.data)).toEqual(
      Array.from(a.inputs.data),
    );
    expect(Array.from(make({ samples: 50, noise: 0.2, seed: 4 }).inputs.data)).not.toEqual(Array.from(a.inputs.data));
  });

  it('validates its options', () => {
    expect(() => make({ samples: -1 })).toThrow(`${name}: samples must be a non-negative integer, got -1`);
    expect(() => make({ noise: -0.1 })).toThrow(`${name}: noise must be a finite number >= 0, got -0.1`);
    expect(() => make({ seed: 1, generator: new Generator(1) })).toThrow('either seed or generator');
  });

  it('defaults to 500 samples, as in TensorFlow Playground', () => {
    expect(make({ seed: 0 }).inputs.shape).toEqual([500, 2]);
  });
});

describe('the geometry of each set (noise 0)', () => {
  it('spiral: radius grows to 5 and the two arms are half a turn apart', () => {
    const set = points(spiral({ samples: 200, seed: 0 }));
    const radii = set.map(({ x, y }) => Math.hypot(x, y));
    expect(Math.max(...radii)).toBeLessThan(5);
    expect(radii[0]).toBe(0);
    // Sample 2j (class 1) and 2j + 1 (class 0) sit at the same radius, opposite each other.
    for (let j = 1; j < 100; j += 17) {
      const [a, b] = [set[2 * j]!, set[2 * j + 1]!];
      expect(b.x).toBeCloseTo(-a.x, 5);
      expect(b.y).toBeCloseTo(-a.y, 5);
    }
  });

  it('circles: class 1 inside radius 2.5, class 0 in the ring 3.5…5', () => {
    for (const { x, y, label } of points(circles({ samples: 300, seed: 1 }))) {
      const radius = Math.hypot(x, y);
      if (label === 1) expect(radius).toBeLessThan(2.5);
      else expect(radius >= 3.5 - 1e-5 && radius < 5 + 1e-5).toBe(true);
    }
  });

  it('xor: label 1 exactly where x and y have different signs, |coordinates| ≥ 0.3', () => {
    const set = points(xor({ samples: 300, seed: 2 }));
    for (const { x, y, label } of set) {
      expect(label).toBe(x > 0 !== y > 0 ? 1 : 0);
      expect(Math.min(Math.abs(x), Math.abs(y))).toBeGreaterThanOrEqual(0.3 - 1e-6);
    }
    // All four quadrants appear.
    expect(new Set(set.map(({ x, y }) => `${x > 0}${y > 0}`)).size).toBe(4);
  });

  it('gaussians: class means near (2, 2) and (−2, −2), variance 0.5 + 7·noise', () => {
    const set = points(gaussians({ samples: 4000, noise: 0.5, seed: 3 }));
    for (const [label, center] of [
      [1, 2],
      [0, -2],
    ] as const) {
      const xs = set.filter((p) => p.label === label).map((p) => p.x);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
      expect(Math.abs(mean - center)).toBeLessThan(0.15);
      expect(Math.abs(variance - 4)).toBeLessThan(0.4);
    }
  });

  it('noise moves the same underlying points', () => {
    const clean = circles({ samples: 100, seed: 5 }).inputs.data;
    const noisy = circles({ samples: 100, noise: 0.1, seed: 5 }).inputs.data;
    let largest = 0;
    for (let i = 0; i < clean.length; i++) largest = Math.max(largest, Math.abs(clean[i]! - noisy[i]!));
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThanOrEqual(0.5 + 1e-5); // uniform(−5, 5) · 0.1
  });
});

describe('line', () => {
  it('puts points on y = a·x + b without noise, x within xRange', () => {
    const { x, y } = line({ a: 3, b: -2, samples: 64, xRange: [-4, 4], seed: 0 });
    expect(x.shape).toEqual([64]);
    expect(y.shape).toEqual([64]);
    for (let i = 0; i < 64; i++) {
      expect(x.data[i]).toBeGreaterThanOrEqual(-4);
      expect(x.data[i]).toBeLessThan(4);
      expect(y.data[i]).toBeCloseTo(3 * x.data[i]! - 2, 4);
    }
  });

  it('adds Gaussian noise of the given standard deviation', () => {
    const { x, y } = line({ samples: 4000, noise: 0.5, seed: 1 }); // a = 2, b = 1 by default
    const residuals = Array.from(y.data, (value, i) => value - (2 * x.data[i]! + 1));
    const std = Math.sqrt(residuals.reduce((a, r) => a + r * r, 0) / residuals.length);
    expect(Math.abs(std - 0.5)).toBeLessThan(0.03);
  });

  it('is deterministic per seed and validates its options', () => {
    expect(Array.from(line({ noise: 0.1, seed: 9 }).y.data)).toEqual(Array.from(line({ noise: 0.1, seed: 9 }).y.data));
    expect(() => line({ xRange: [1, 1] })).toThrow(
      'line: xRange must be [low, high] with finite low < high, got [1, 1]',
    );
    expect(() => line({ a: Number.NaN })).toThrow('line: a (NaN) and b (1) must be finite numbers');
  });
});
