// PCG32 (PCG-XSH-RR 64/32) and a Fisher–Yates permutation: the randomness behind the fixed MNIST split.
// Imports nothing (this package must not depend on @backprop/core); browser-safe.

// NOTE(same-as-core): this is the algorithm of @backprop/core's `Generator`, written out again
// so that the datasets package has no dependency on core: O'Neill's pcg32_srandom_r(seed, 54)
// seeding (the stream of the reference demo, increment 109), pcg32_random_r output, and
// core's unbiased bounded draw (reject draws >= 2^32 - 2^32 % range, then take draw % range).
// So `permutation(n, seed)` equals `new Generator(seed).shuffle(Uint32Array.from({ length: n }, (_, i) => i))`.
// BigInt keeps the 64-bit arithmetic legible; 10,000 draws take a few milliseconds.

const MASK_64 = (1n << 64n) - 1n;
const MULTIPLIER = 6364136223846793005n;
const INCREMENT = (54n << 1n) | 1n;
const TWO_POW_32 = 0x1_0000_0000;

/**
 * PCG-XSH-RR with 64-bit state and 32-bit output (M. E. O'Neill, 2014), on the reference stream 54.
 *
 * @example
 * ```ts
 * const random = new Pcg32(42);
 * random.nextUint32(); // 0xa15c02b7, as in the published pcg32 demo
 * ```
 */
export class Pcg32 {
  #state = 0n;

  /** @param seed an integer in [0, 2^64), taken as pcg32_srandom_r's initstate. */
  constructor(seed: number | bigint) {
    const initState = BigInt(seed);
    if (initState < 0n || initState > MASK_64) {
      throw new RangeError(`Pcg32: seed (${seed}) must be an integer in [0, 2^64)`);
    }
    this.nextUint32();
    this.#state = (this.#state + initState) & MASK_64;
    this.nextUint32();
  }

  /** The next output, uniform in [0, 2^32). */
  nextUint32(): number {
    const old = this.#state;
    this.#state = (old * MULTIPLIER + INCREMENT) & MASK_64;
    const xorShifted = Number((((old >> 18n) ^ old) >> 27n) & 0xffff_ffffn);
    const rotation = Number(old >> 59n);
    return ((xorShifted >>> rotation) | (xorShifted << (-rotation & 31))) >>> 0;
  }

  /** A uniform integer in [0, range) for an integer range in [1, 2^32], without modulo bias. */
  below(range: number): number {
    const limit = TWO_POW_32 - (TWO_POW_32 % range);
    let draw = this.nextUint32();
    while (draw >= limit) draw = this.nextUint32();
    return draw % range;
  }
}

/**
 * A uniformly random permutation of 0..count-1 (Fisher–Yates from the end: for i = count-1 down
 * to 1, swap element i with element `below(i + 1)`), fully determined by `seed`.
 *
 * @example
 * ```ts
 * permutation(5, 0x5eed); // the same five indices in the same order, forever
 * ```
 */
export function permutation(count: number, seed: number | bigint): Uint32Array {
  if (!Number.isSafeInteger(count) || count < 0 || count > TWO_POW_32) {
    throw new RangeError(`permutation: count (${count}) must be an integer in [0, 2^32]`);
  }
  const random = new Pcg32(seed);
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = random.below(i + 1);
    const item = order[i];
    order[i] = order[j];
    order[j] = item;
  }
  return order;
}
