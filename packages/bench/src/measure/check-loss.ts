// The guard every training measurement applies: a step that does not train must not be timed as if
// it did. Pure; imports nothing.

/**
 * Throws unless every loss is finite and the last lies below the first.
 *
 * @example
 * ```ts
 * checkLossFalls([2.31, 1.9, 1.2], 'mlp at batch 64'); // passes
 * checkLossFalls([2.31, 2.4], 'mlp at batch 64');      // throws: the loss did not fall
 * ```
 */
export function checkLossFalls(losses: readonly number[], label: string): void {
  if (losses.length < 2)
    throw new Error(`${label}: need at least two steps to see the loss fall, got ${losses.length}`);
  if (!losses.every(Number.isFinite)) throw new Error(`${label}: the loss is not finite (${losses.join(', ')})`);
  if (!(losses.at(-1)! < losses[0]!))
    throw new Error(`${label}: the loss did not fall: ${losses[0]} at the first step, ${losses.at(-1)} at the last`);
}
