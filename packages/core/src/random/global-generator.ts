// The process-wide generator: seeded with DEFAULT_GLOBAL_SEED, reseeded in place by manualSeed.
// Imports only generator.ts: every layer may draw from it; library code never draws from an unseeded source.
import { Generator, seedToUint64 } from './generator.js';

/**
 * The seed of the global generator until {@link manualSeed} is called: a program that never
 * seeds behaves exactly as if it had called `manualSeed(42)`. Backprop is deterministic by default.
 */
export const DEFAULT_GLOBAL_SEED = 42;

const globalInstance = new Generator(DEFAULT_GLOBAL_SEED);

/**
 * The global generator used wherever no explicit generator is passed (initialisers, dropout,
 * shuffling). Always the same object: {@link manualSeed} reseeds it in place.
 *
 * @example
 * ```ts
 * const u = globalGenerator().nextFloat();
 * ```
 */
export function globalGenerator(): Generator {
  return globalInstance;
}

/**
 * Reseeds the global generator in place (like `torch.manual_seed`): the same seed makes the
 * global sequence repeat. Seeds follow the rules of the {@link Generator} constructor.
 *
 * @example
 * ```ts
 * manualSeed(0);
 * const a = globalGenerator().normal();
 * manualSeed(0);
 * globalGenerator().normal() === a; // true
 * ```
 */
export function manualSeed(seed: number | bigint): void {
  seedToUint64(seed, 'manualSeed');
  globalInstance.setState(new Generator(seed).getState());
}
