// Coordinate mapping between data space and canvas pixels, for the hand-drawn canvases (scatter,
// line, heat maps with paths). Pure: no DOM, so it is unit-tested.

/** A linear map from a data range onto a pixel range (the pixel range may run backwards, as y does). */
export interface Axis {
  data: readonly [number, number];
  pixels: readonly [number, number];
}

/**
 * The pixel position of a data value on an axis.
 *
 * @example
 * ```ts
 * toPixel({ data: [-1, 1], pixels: [0, 100] }, 0); // 50
 * ```
 */
export function toPixel(axis: Axis, value: number): number {
  const [d0, d1] = axis.data;
  const [p0, p1] = axis.pixels;
  return p0 + ((value - d0) / (d1 - d0)) * (p1 - p0);
}

/**
 * The data value at a pixel position (the inverse of {@link toPixel}).
 *
 * @example
 * ```ts
 * toData({ data: [-1, 1], pixels: [0, 100] }, 50); // 0
 * ```
 */
export function toData(axis: Axis, pixel: number): number {
  const [d0, d1] = axis.data;
  const [p0, p1] = axis.pixels;
  return d0 + ((pixel - p0) / (p1 - p0)) * (d1 - d0);
}

/**
 * A range that holds every value, widened by `margin` of its span on each side.
 *
 * @example
 * ```ts
 * paddedRange([0, 10], 0.1); // [-1, 11]
 * ```
 */
export function paddedRange(values: ArrayLike<number>, margin = 0.1): [number, number] {
  let [low, high] = [Infinity, -Infinity];
  for (let i = 0; i < values.length; i++) {
    low = Math.min(low, values[i]!);
    high = Math.max(high, values[i]!);
  }
  if (!(low <= high)) return [0, 1];
  const span = high - low || 1;
  return [low - margin * span, high + margin * span];
}
