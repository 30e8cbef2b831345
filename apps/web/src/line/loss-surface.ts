// The loss surface of the line demo: mean squared error of y = a·x + b over a grid of (a, b).
// Pure arithmetic on the data's moments (the surface is a quadratic), no tensors, no DOM.

/** A rectangle of (a, b) values: `a` runs left to right, `b` bottom to top. */
export interface SurfaceWindow {
  a: readonly [number, number];
  b: readonly [number, number];
}

/** The grid: `values[row * columns + column]`, row 0 at the top (largest b), like an image. */
export interface LossSurface {
  values: Float32Array;
  columns: number;
  rows: number;
  min: number;
  max: number;
}

/**
 * MSE(a, b) = mean((a·x + b − y)²) for every cell centre of a `columns × rows` grid over `window`.
 * Expanding the square, it needs only the means of x, y, x², xy and y², so the grid costs
 * O(cells), not O(cells × samples).
 *
 * @example
 * ```ts
 * const surface = lossSurface(x, y, { a: [-3, 5], b: [-4, 4] }, 64, 64);
 * surface.values[0]; // the loss at the top-left cell (a ≈ -3, b ≈ 4)
 * ```
 */
export function lossSurface(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  window: SurfaceWindow,
  columns: number,
  rows: number,
): LossSurface {
  if (x.length !== y.length || x.length === 0)
    throw new Error(`lossSurface: x and y need the same, non-zero length (got ${x.length} and ${y.length})`);
  let [sx, sy, sxx, sxy, syy] = [0, 0, 0, 0, 0];
  for (let i = 0; i < x.length; i++) {
    const [xi, yi] = [x[i]!, y[i]!];
    sx += xi;
    sy += yi;
    sxx += xi * xi;
    sxy += xi * yi;
    syy += yi * yi;
  }
  const n = x.length;
  [sx, sy, sxx, sxy, syy] = [sx / n, sy / n, sxx / n, sxy / n, syy / n];
  const values = new Float32Array(columns * rows);
  let [min, max] = [Infinity, -Infinity];
  for (let row = 0; row < rows; row++) {
    const b = cellCentre(window.b, rows, rows - 1 - row);
    for (let column = 0; column < columns; column++) {
      const a = cellCentre(window.a, columns, column);
      const loss = a * a * sxx + 2 * a * b * sx + b * b - 2 * a * sxy - 2 * b * sy + syy;
      const index = row * columns + column;
      values[index] = loss;
      min = Math.min(min, values[index]!);
      max = Math.max(max, values[index]!);
    }
  }
  return { values, columns, rows, min, max };
}

/**
 * The centre of cell `index` of `count` equal cells spanning `range`.
 *
 * @example
 * ```ts
 * cellCentre([0, 4], 4, 0); // 0.5
 * ```
 */
export function cellCentre(range: readonly [number, number], count: number, index: number): number {
  return range[0] + ((index + 0.5) / count) * (range[1] - range[0]);
}
