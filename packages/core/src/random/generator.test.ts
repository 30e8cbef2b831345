// Tests for the PCG32 generator against a plain BigInt PCG-XSH-RR written here, plus statistics.
// Imports only random/generator and random/global-generator (plus vitest and node:fs to check the sources).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Generator, type GeneratorState } from './generator.js';
import { DEFAULT_GLOBAL_SEED, globalGenerator, manualSeed } from './global-generator.js';

const MASK_64 = (1n << 64n) - 1n;
const MULTIPLIER = 6364136223846793005n;
const INCREMENT = (54n << 1n) | 1n;

/** PCG-XSH-RR 64/32 exactly as in O'Neill's pcg32_random_r / pcg32_srandom_r(seed, 54). */
class ReferencePcg32 {
  state = 0n;

  constructor(seed: bigint) {
    this.next();
    this.state = (this.state + BigInt.asUintN(64, seed)) & MASK_64;
    this.next();
  }

  next(): number {
    const old = this.state;
    this.state = (old * MULTIPLIER + INCREMENT) & MASK_64;
    const xorshifted = Number((((old >> 18n) ^ old) >> 27n) & 0xffff_ffffn);
    const rotation = Number(old >> 59n);
    return ((xorshifted >>> rotation) | (xorshifted << (-rotation & 31))) >>> 0;
  }
}

function draws(generator: Generator, count: number): number[] {
  return Array.from({ length: count }, () => generator.nextUint32());
}

function meanAndVariance(samples: Float64Array): { mean: number; variance: number } {
  let sum = 0;
  for (const x of samples) sum += x;
  const mean = sum / samples.length;
  let squares = 0;
  for (const x of samples) squares += (x - mean) ** 2;
  return { mean, variance: squares / (samples.length - 1) };
}

describe('Generator: PCG32 outputs', () => {
  it('matches the published pcg32 demo sequence for seed 42, stream 54', () => {
    expect(draws(new Generator(42), 6)).toEqual([
      0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e,
    ]);
  });

  const seeds: (number | bigint)[] = [
    0,
    1,
    42,
    123_456_789,
    2 ** 32 - 1,
    2 ** 32,
    Number.MAX_SAFE_INTEGER,
    -1,
    -(2 ** 40) - 7,
    0xdead_beef_cafe_f00dn,
    2n ** 64n - 1n,
    -(2n ** 63n),
  ];
  it.each(seeds)('matches the BigInt reference for 5000 outputs with seed %s', (seed) => {
    const reference = new ReferencePcg32(BigInt(seed));
    const expected = Array.from({ length: 5000 }, () => reference.next());
    expect(draws(new Generator(seed), 5000)).toEqual(expected);
  });

  it('treats a number seed and the equal bigint seed alike, negative seeds in two’s complement', () => {
    expect(draws(new Generator(123_456_789_012), 10)).toEqual(draws(new Generator(123_456_789_012n), 10));
    expect(draws(new Generator(-1), 10)).toEqual(draws(new Generator(2n ** 64n - 1n), 10));
  });

  it('defaults to seed 0', () => {
    expect(draws(new Generator(), 10)).toEqual(draws(new Generator(0), 10));
  });
});

describe('Generator: distributions', () => {
  const count = 100_000;

  it('nextFloat lies in [0, 1) and is exactly a float32', () => {
    const generator = new Generator(7);
    let min = Infinity;
    let max = -Infinity;
    let invalid = 0;
    for (let i = 0; i < count; i++) {
      const u = generator.nextFloat();
      if (!(Math.fround(u) === u && u >= 0 && u < 1)) invalid++;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(invalid).toBe(0);
    expect(min).toBeLessThan(1e-3);
    expect(max).toBeGreaterThan(1 - 1e-3);
  });

  it('uniform(low, high) has the right mean and variance and stays in range', () => {
    const generator = new Generator(11);
    const samples = Float64Array.from({ length: count }, () => generator.uniform(-2, 6));
    expect(samples.every((x) => x >= -2 && x < 6)).toBe(true);
    const { mean, variance } = meanAndVariance(samples);
    // mean 2, variance (6 - (-2))^2 / 12 = 16/3; standard error of the mean ≈ 0.0073
    expect(Math.abs(mean - 2)).toBeLessThan(0.04);
    expect(Math.abs(variance - 16 / 3)).toBeLessThan(0.1);
  });

  it('normal(mean, std) has the right mean, variance and symmetry, all finite', () => {
    const generator = new Generator(13);
    const samples = Float64Array.from({ length: count }, () => generator.normal(3, 2));
    expect(samples.every(Number.isFinite)).toBe(true);
    const { mean, variance } = meanAndVariance(samples);
    expect(Math.abs(mean - 3)).toBeLessThan(0.03); // standard error ≈ 0.0063
    expect(Math.abs(variance - 4)).toBeLessThan(0.08);
    const withinOneStd = samples.filter((x) => Math.abs(x - 3) < 2).length / count;
    expect(Math.abs(withinOneStd - 0.6827)).toBeLessThan(0.01);
  });

  it('normal with std 0 returns the mean', () => {
    expect(new Generator(1).normal(5, 0)).toBe(5);
  });

  it('int(low, high) covers exactly [low, high) roughly evenly', () => {
    const generator = new Generator(17);
    const counts = new Map<number, number>();
    for (let i = 0; i < 60_000; i++) {
      const k = generator.int(-3, 3);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2]);
    for (const c of counts.values()) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it('int has no modulo bias for a range of 3·2^30 (naive x % n would give 1/2 below 2^30)', () => {
    const generator = new Generator(19);
    let below = 0;
    for (let i = 0; i < 30_000; i++) if (generator.int(0, 3 * 2 ** 30) < 2 ** 30) below++;
    expect(Math.abs(below / 30_000 - 1 / 3)).toBeLessThan(0.02);
  });

  it('int handles ranges beyond 2^32 without bias and within bounds', () => {
    const generator = new Generator(23);
    let below = 0;
    let outOfRange = 0;
    for (let i = 0; i < 30_000; i++) {
      const k = generator.int(-(2 ** 51), 2 ** 50); // range 3·2^50; naive 53-bit modulo gives 3/8 below
      if (!(Number.isSafeInteger(k) && k >= -(2 ** 51) && k < 2 ** 50)) outOfRange++;
      if (k < -(2 ** 51) + 2 ** 50) below++;
    }
    expect(outOfRange).toBe(0);
    expect(Math.abs(below / 30_000 - 1 / 3)).toBeLessThan(0.02);
    expect(generator.int(5, 6)).toBe(5);
  });
});

describe('Generator: shuffle', () => {
  it('returns the same array holding a permutation of its items', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const shuffled = new Generator(29).shuffle(items);
    expect(shuffled).toBe(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(shuffled).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('is deterministic for a seed and works on typed arrays', () => {
    const a = new Generator(31).shuffle(Float32Array.from({ length: 50 }, (_, i) => i));
    const b = new Generator(31).shuffle(Float32Array.from({ length: 50 }, (_, i) => i));
    expect(a).toEqual(b);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(new Generator(1).shuffle([])).toEqual([]);
    expect(new Generator(1).shuffle(['only'])).toEqual(['only']);
  });

  it('puts each item in each position about equally often', () => {
    const generator = new Generator(37);
    const positions = Array.from({ length: 4 }, () => new Array<number>(4).fill(0));
    for (let trial = 0; trial < 40_000; trial++) {
      generator.shuffle([0, 1, 2, 3]).forEach((item, position) => positions[item]![position]!++);
    }
    for (const row of positions) for (const c of row) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });
});

describe('Generator: state', () => {
  function mixedDraws(generator: Generator): number[] {
    return [
      generator.nextUint32(),
      generator.normal(),
      generator.nextFloat(),
      generator.int(0, 1000),
      generator.uniform(-1, 1),
      generator.normal(),
      generator.normal(1, 2),
    ];
  }

  it('getState/setState reproduce the continuation exactly, including a cached normal', () => {
    const generator = new Generator(41);
    generator.normal(); // leaves the second Box–Muller value cached
    const state = generator.getState();
    expect(state.cachedNormal).not.toBeNull();
    const first = mixedDraws(generator);
    generator.setState(state);
    expect(mixedDraws(generator)).toEqual(first);
  });

  it('the state survives a JSON round trip', () => {
    const generator = new Generator(43);
    generator.normal();
    const saved = JSON.stringify(generator.getState());
    const first = mixedDraws(generator);
    const restored = new Generator(999);
    restored.setState(JSON.parse(saved) as GeneratorState);
    expect(mixedDraws(restored)).toEqual(first);
  });

  it('clone continues identically and independently', () => {
    const generator = new Generator(47);
    generator.normal();
    const copy = generator.clone();
    expect(mixedDraws(copy)).toEqual(mixedDraws(generator));
    copy.nextUint32();
    expect(copy.getState()).not.toEqual(generator.getState());
  });

  it('getState returns a snapshot, not a live view', () => {
    const generator = new Generator(53);
    const state = generator.getState();
    generator.nextUint32();
    expect(generator.getState()).not.toEqual(state);
  });
});

describe('global generator', () => {
  it('manualSeed makes the global sequence repeat, reseeding the same object', () => {
    const global = globalGenerator();
    manualSeed(1234);
    const first = [global.nextUint32(), global.normal(), global.nextFloat()];
    manualSeed(1234);
    expect(globalGenerator()).toBe(global);
    expect([global.nextUint32(), global.normal(), global.nextFloat()]).toEqual(first);
    manualSeed(1234n);
    expect(global.nextUint32()).toBe(first[0]);
  });

  it('manualSeed clears a cached normal', () => {
    manualSeed(5);
    const expected = new Generator(5).normal();
    globalGenerator().normal(); // caches the second value
    manualSeed(5);
    expect(globalGenerator().normal()).toBe(expected);
  });

  it('behaves by default as if seeded with DEFAULT_GLOBAL_SEED', () => {
    manualSeed(DEFAULT_GLOBAL_SEED);
    expect(globalGenerator().getState()).toEqual(new Generator(42).getState());
  });

  it('the source never calls Math.random', () => {
    for (const file of ['./generator.ts', './global-generator.ts']) {
      const source = readFileSync(new URL(file, import.meta.url), 'utf8');
      expect(source, file).toContain('Generator');
      expect(source, file).not.toMatch(/Math\.random\s*\(/);
    }
  });
});

describe('Generator: errors name the function and the fix', () => {
  const generator = new Generator(1);

  it('rejects seeds that are not integers or out of range', () => {
    expect(() => new Generator(1.5)).toThrow(
      /^Generator: seed must be a safe integer or a bigint, got 1\.5; use Math\.floor/,
    );
    expect(() => new Generator(Number.NaN)).toThrow(/Generator: seed .* got NaN/);
    expect(() => new Generator(2 ** 60)).toThrow(/Generator: seed .*bigint for seeds beyond 2\^53/);
    expect(() => new Generator(2n ** 64n)).toThrow(
      'Generator: seed (18446744073709551616n) must be a bigint in [-2^63, 2^64)',
    );
    expect(() => manualSeed(0.25)).toThrow(/^manualSeed: seed must be a safe integer/);
    expect(() => manualSeed('7' as unknown as number)).toThrow(/^manualSeed: seed .* got "7"/);
  });

  it('rejects bad ranges', () => {
    expect(() => generator.int(5, 5)).toThrow('int: low (5) must be < high (5); the range [low, high) is empty');
    expect(() => generator.int(0.5, 3)).toThrow(/^int: low \(0\.5\) and high \(3\) must be safe integers/);
    expect(() => generator.int(-(2 ** 53) + 1, 2 ** 53 - 1)).toThrow(
      /^int: high - low .* at most Number\.MAX_SAFE_INTEGER/,
    );
    expect(() => generator.uniform(1, 0)).toThrow('uniform: low (1) must be < high (0); swap them or widen the range');
    expect(() => generator.uniform(0, Infinity)).toThrow(/^uniform: .* must be finite numbers/);
    expect(() => generator.normal(0, -1)).toThrow('normal: std (-1) must be a finite number >= 0');
    expect(() => generator.normal(Number.NaN)).toThrow('normal: mean (NaN) must be a finite number');
  });

  it('rejects malformed states without changing the generator', () => {
    const before = generator.getState();
    const bad = (patch: object) => ({ ...before, ...patch }) as GeneratorState;
    expect(() => generator.setState(null as unknown as GeneratorState)).toThrow(/^setState: expected a GeneratorState/);
    expect(() => generator.setState(bad({ algorithm: 'mt19937' }))).toThrow(
      /^setState: expected .*"algorithm":"mt19937"/,
    );
    expect(() => generator.setState(bad({ stateHigh: 2 ** 32 }))).toThrow(
      'setState: stateHigh must be an integer in [0, 2^32), got 4294967296',
    );
    expect(() => generator.setState(bad({ stateLow: -1 }))).toThrow(
      'setState: stateLow must be an integer in [0, 2^32), got -1',
    );
    expect(() => generator.setState(bad({ cachedNormal: Number.NaN }))).toThrow(
      'setState: cachedNormal must be a finite number or null, got NaN',
    );
    expect(generator.getState()).toEqual(before);
  });
});
