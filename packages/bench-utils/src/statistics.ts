// Summaries of repeated measurements, shared by every benchmark of the workspace: the median (what
// reports quote) and the spread between runs (how far to trust it). Pure functions; imports nothing.

/**
 * The middle value (the mean of the two middle values for an even count).
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * median([4, 1, 3, 2]); // 2.5
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * How far apart the values lie, relative to their median: (max − min) ÷ |median| (0 when all are
 * equal; 0.2 = the range is a fifth of the median).
 *
 * @example
 * ```ts
 * spread([10, 12, 11]); // 2 / 11 ≈ 0.18
 * ```
 */
export function spread(values: readonly number[]): number {
  const range = Math.max(...values) - Math.min(...values);
  return range === 0 ? 0 : range / Math.abs(median(values));
}
