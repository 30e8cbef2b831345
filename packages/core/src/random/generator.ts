// The one documented PRNG of Backprop: PCG32 (PCG-XSH-RR 64/32), its state and its distributions.
// Imports nothing: every layer may draw from it, and library code never draws from an unseeded source.

// NOTE(pcg32): the 64-bit LCG state is kept as two 32-bit halves (`#high`, `#low`), stored as
// int32 so V8 keeps them unboxed; getState reports them unsigned. In the multiply by the PCG
// constant, Math.imul gives the low 32 bits of each product and the carry out of low × low is
// computed from 16-bit limbs (Hacker's Delight `mulhu`), every partial sum an exact integer
// below 2^32. BigInt appears only when a bigint seed is passed.

/** PCG's default 64-bit multiplier 6364136223846793005, as uint32 halves and 16-bit limbs. */
const MULTIPLIER_HIGH = 0x5851f42d;
const MULTIPLIER_LOW = 0x4c957f2d;
const MULTIPLIER_LOW_0 = MULTIPLIER_LOW & 0xffff;
const MULTIPLIER_LOW_1 = MULTIPLIER_LOW >>> 16;
/** Fixed stream: increment (54 << 1) | 1 = 109, the stream of O'Neill's reference demo. */
const INCREMENT_LOW = 109;

const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_MINUS_24 = 1 / 0x100_0000;
const TWO_POW_MINUS_32 = 1 / TWO_POW_32;
const TWO_POW_53 = 2 ** 53;
const TWO_PI = 2 * Math.PI;

/**
 * The complete state of a {@link Generator}: a plain JSON-serialisable object, saved beside a
 * checkpoint's weights so that a resumed run draws exactly the numbers it would have drawn.
 *
 * @example
 * ```ts
 * const saved = JSON.stringify(generator.getState());
 * generator.setState(JSON.parse(saved)); // continues exactly where it was
 * ```
 */
export interface GeneratorState {
  /** Always `'pcg32'` (PCG-XSH-RR 64/32, increment 109); lets a checkpoint reader check the format. */
  readonly algorithm: 'pcg32';
  /** Upper 32 bits of the 64-bit LCG state, an integer in [0, 2^32). */
  readonly stateHigh: number;
  /** Lower 32 bits of the 64-bit LCG state, an integer in [0, 2^32). */
  readonly stateLow: number;
  /** The second Box–Muller value waiting to be returned by `normal`, or `null` if none. */
  readonly cachedNormal: number | null;
}

/** Typed arrays that {@link Generator.shuffle} can permute in place. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/**
 * A seeded pseudo-random number generator: PCG32 (PCG-XSH-RR with 64-bit state and 32-bit
 * output, M. E. O'Neill 2014), on the fixed stream of the reference implementation.
 *
 * Seeding follows `pcg32_srandom_r(seed, 54)`: the state starts at 0, steps once, adds the
 * seed as an unsigned 64-bit integer and steps again. So `new Generator(42)` yields the
 * reference sequence `0xa15c02b7, 0x7b47f409, …`. A seed may be any safe-integer number or a
 * bigint in [-2^63, 2^64); negative seeds are taken in two's complement (like PyTorch's
 * `manual_seed`), so `-1` and `2n ** 64n - 1n` are the same seed.
 *
 * Same seed, same calls → the same numbers on every machine. (`normal` also relies on
 * `Math.log/cos/sin`, which V8 computes the same on every platform; another JavaScript engine
 * may differ in the last bit.)
 *
 * @example
 * ```ts
 * const generator = new Generator(42);
 * generator.nextUint32(); // 0xa15c02b7
 * generator.uniform(-1, 1); // a float in [-1, 1)
 * generator.normal(); // a standard normal sample
 * generator.shuffle([1, 2, 3, 4]); // a permutation, in place
 * ```
 */
export class Generator {
  #high = 0;
  #low = 0;
  #cachedNormal: number | null = null;

  /** @param seed a safe integer or a bigint in [-2^63, 2^64); default 0. */
  constructor(seed: number | bigint = 0) {
    const [seedHigh, seedLow] = seedToUint64(seed, 'Generator');
    this.nextUint32();
    const low = (this.#low >>> 0) + seedLow;
    this.#low = low | 0;
    this.#high = (this.#high + seedHigh + (low >= TWO_POW_32 ? 1 : 0)) | 0;
    this.nextUint32();
  }

  /**
   * The next raw output: a uniform integer in [0, 2^32).
   *
   * @example
   * ```ts
   * new Generator(42).nextUint32(); // 2707161783 (0xa15c02b7)
   * ```
   */
  nextUint32(): number {
    const high = this.#high;
    const low = this.#low;

    // Advance: state = state * MULTIPLIER + INCREMENT (mod 2^64). See NOTE(pcg32).
    const low0 = low & 0xffff;
    const low1 = low >>> 16;
    const partial = low1 * MULTIPLIER_LOW_0 + ((low0 * MULTIPLIER_LOW_0) >>> 16); // < 2^32
    const middle = low0 * MULTIPLIER_LOW_1 + (partial & 0xffff); // < 2^32
    const carryOfLowProduct = low1 * MULTIPLIER_LOW_1 + (partial >>> 16) + (middle >>> 16);
    const newLow = (Math.imul(low, MULTIPLIER_LOW) >>> 0) + INCREMENT_LOW; // < 2^32 + 109
    this.#low = newLow | 0;
    this.#high =
      (carryOfLowProduct +
        (newLow >= TWO_POW_32 ? 1 : 0) +
        Math.imul(high, MULTIPLIER_LOW) +
        Math.imul(low, MULTIPLIER_HIGH)) |
      0;

    // Output from the old state: xorshifted = ((old >> 18) ^ old) >> 27, rotated by old >> 59.
    const xorHigh = high ^ (high >>> 18);
    const xorLow = low ^ ((low >>> 18) | (high << 14));
    const xorshifted = ((xorLow >>> 27) | (xorHigh << 5)) >>> 0;
    const rotation = high >>> 27;
    return ((xorshifted >>> rotation) | (xorshifted << ((32 - rotation) & 31))) >>> 0;
  }

  /**
   * A uniform float in [0, 1) with 24 random bits: `k / 2^24` for k in [0, 2^24).
   *
   * Every such value is exactly representable in float32, so storing it in a Float32Array never
   * rounds it up to 1 (a 53-bit double such as 0.99999999 would become 1.0f) and the same
   * value is seen in double and in float32 arithmetic.
   *
   * @example
   * ```ts
   * const u = new Generator(1).nextFloat(); // 0 <= u < 1, Math.fround(u) === u
   * ```
   */
  nextFloat(): number {
    return (this.nextUint32() >>> 8) * TWO_POW_MINUS_24;
  }

  /**
   * A uniform float in [low, high), computed as `low + (high - low) * nextFloat()`.
   * (Only when `high - low` is below about 2^-29 of their magnitude can rounding reach `high`.)
   *
   * @example
   * ```ts
   * const bound = 1 / Math.sqrt(fanIn);
   * const weight = generator.uniform(-bound, bound);
   * ```
   */
  uniform(low: number, high: number): number {
    if (!Number.isFinite(low) || !Number.isFinite(high)) {
      throw new RangeError(`uniform: low (${low}) and high (${high}) must be finite numbers`);
    }
    if (!(low < high)) {
      throw new RangeError(`uniform: low (${low}) must be < high (${high}); swap them or widen the range`);
    }
    return low + (high - low) * this.nextFloat();
  }

  /**
   * A normal sample `mean + std * z` with z standard normal, by the Box–Muller transform.
   *
   * One transform turns two uint32 draws into two independent normals: the first is returned,
   * the second is cached and returned by the next call (whatever its mean and std). The cache is
   * part of {@link GeneratorState}. The radius uses u1 = (x + 1) / 2^32 in (0, 1], so `log(u1)` is
   * never `log(0)`; samples reach at most about 6.66 standard deviations.
   *
   * @example
   * ```ts
   * const weight = generator.normal(0, Math.sqrt(2 / fanIn)); // He initialisation
   * ```
   */
  normal(mean = 0, std = 1): number {
    if (!Number.isFinite(mean)) {
      throw new RangeError(`normal: mean (${mean}) must be a finite number`);
    }
    if (!Number.isFinite(std) || std < 0) {
      throw new RangeError(`normal: std (${std}) must be a finite number >= 0`);
    }
    let z: number;
    if (this.#cachedNormal !== null) {
      z = this.#cachedNormal;
      this.#cachedNormal = null;
    } else {
      const u1 = (this.nextUint32() + 1) * TWO_POW_MINUS_32; // (0, 1]
      const u2 = this.nextUint32() * TWO_POW_MINUS_32; // [0, 1)
      const radius = Math.sqrt(-2 * Math.log(u1));
      const angle = TWO_PI * u2;
      z = radius * Math.cos(angle);
      this.#cachedNormal = radius * Math.sin(angle);
    }
    return mean + std * z;
  }

  /**
   * A uniform integer in [low, high), without modulo bias (draws that would favour small values
   * are rejected). Ranges up to 2^32 use one uint32 per draw, larger ones (up to 2^53 - 1) two.
   *
   * @example
   * ```ts
   * const die = generator.int(1, 7); // 1..6
   * ```
   */
  int(low: number, high: number): number {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) {
      throw new RangeError(
        `int: low (${low}) and high (${high}) must be safe integers; round them with Math.floor first`,
      );
    }
    if (!(low < high)) {
      throw new RangeError(`int: low (${low}) must be < high (${high}); the range [low, high) is empty`);
    }
    const range = high - low;
    if (range > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(
        `int: high - low (${range}) must be at most Number.MAX_SAFE_INTEGER (2^53 - 1); narrow the range`,
      );
    }
    return low + this.#below(range);
  }

  /**
   * Permutes `array` in place, uniformly (Fisher–Yates), and returns it.
   *
   * @example
   * ```ts
   * const order = generator.shuffle(Array.from({ length: dataset.length }, (_, i) => i));
   * ```
   */
  shuffle<A extends unknown[] | TypedArray>(array: A): A {
    const items = array as { [index: number]: unknown; length: number };
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.#below(i + 1);
      const item = items[i];
      items[i] = items[j];
      items[j] = item;
    }
    return array;
  }

  /**
   * A snapshot of the state; {@link Generator.setState} with it continues the exact sequence.
   *
   * @example
   * ```ts
   * const state = generator.getState();
   * const a = generator.normal();
   * generator.setState(state);
   * generator.normal() === a; // true
   * ```
   */
  getState(): GeneratorState {
    return {
      algorithm: 'pcg32',
      stateHigh: this.#high >>> 0,
      stateLow: this.#low >>> 0,
      cachedNormal: this.#cachedNormal,
    };
  }

  /**
   * Restores a state from {@link Generator.getState} (possibly after a JSON round trip).
   *
   * @example
   * ```ts
   * generator.setState(JSON.parse(checkpointMetadata.rngState));
   * ```
   */
  setState(state: GeneratorState): void {
    const expected = "a GeneratorState from getState(): { algorithm: 'pcg32', stateHigh, stateLow, cachedNormal }";
    if (typeof state !== 'object' || state === null || state.algorithm !== 'pcg32') {
      throw new TypeError(`setState: expected ${expected}, got ${describe(state)}`);
    }
    for (const key of ['stateHigh', 'stateLow'] as const) {
      const half = state[key];
      if (!Number.isInteger(half) || half < 0 || half >= TWO_POW_32) {
        throw new RangeError(`setState: ${key} must be an integer in [0, 2^32), got ${describe(half)}`);
      }
    }
    const cached = state.cachedNormal;
    if (cached !== null && !Number.isFinite(cached)) {
      throw new RangeError(`setState: cachedNormal must be a finite number or null, got ${describe(cached)}`);
    }
    this.#high = state.stateHigh | 0;
    this.#low = state.stateLow | 0;
    this.#cachedNormal = cached;
  }

  /**
   * An independent generator in the same state: both produce the same continuation.
   *
   * @example
   * ```ts
   * const copy = generator.clone();
   * copy.nextUint32() === generator.nextUint32(); // true
   * ```
   */
  clone(): Generator {
    const copy = new Generator();
    copy.setState(this.getState());
    return copy;
  }

  /** A uniform integer in [0, range) for an integer range in [1, 2^53), by rejection sampling. */
  #below(range: number): number {
    if (range <= TWO_POW_32) {
      // Accept only draws below the largest multiple of range that fits in 2^32.
      const limit = TWO_POW_32 - (TWO_POW_32 % range);
      let draw = this.nextUint32();
      while (draw >= limit) draw = this.nextUint32();
      return draw % range;
    }
    const limit = TWO_POW_53 - (TWO_POW_53 % range);
    let draw: number;
    do {
      draw = (this.nextUint32() >>> 11) * TWO_POW_32 + this.nextUint32(); // 53 random bits
    } while (draw >= limit);
    return draw % range;
  }
}

const BIGINT_SEED_MIN = -(2n ** 63n);
const BIGINT_SEED_LIMIT = 2n ** 64n;

/** A seed as unsigned 64-bit [high, low] halves (two's complement for negative seeds); `caller` starts its errors. */
export function seedToUint64(seed: number | bigint, caller: string): [number, number] {
  if (typeof seed === 'bigint') {
    if (seed < BIGINT_SEED_MIN || seed >= BIGINT_SEED_LIMIT) {
      throw new RangeError(`${caller}: seed (${seed}n) must be a bigint in [-2^63, 2^64)`);
    }
    const unsigned = BigInt.asUintN(64, seed);
    return [Number(unsigned >> 32n), Number(unsigned & 0xffff_ffffn)];
  }
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new TypeError(
      `${caller}: seed must be a safe integer or a bigint, got ${describe(seed)}; ` +
        'use Math.floor(seed), or a bigint for seeds beyond 2^53',
    );
  }
  const magnitude = Math.abs(seed);
  const high = Math.floor(magnitude / TWO_POW_32);
  const low = magnitude % TWO_POW_32;
  if (seed >= 0) return [high, low];
  // Two's complement negation of the 64-bit magnitude: ~x + 1.
  return [(~high + (low === 0 ? 1 : 0)) >>> 0, (TWO_POW_32 - low) % TWO_POW_32];
}

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value !== 'string' && (typeof value !== 'object' || value === null)) return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value); // e.g. an object with a cycle
  }
}
