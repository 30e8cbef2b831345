// A drawing on the page → a 28×28 MNIST-style input, the way MNIST's digits were made: crop to the
// ink, scale the longer side to 20 pixels (supersampled), centre by centre of mass in 28×28. Pure.

/** MNIST's side and the box its digits were scaled into. */
const SIDE = 28;
const BOX = 20;
/** Sample points per target pixel along each axis. */
const SAMPLES = 4;

/**
 * Turns ink coverage (`ink[y * width + x]`, 0 = blank, 255 = full ink, e.g. a canvas's alpha
 * channel) into 784 floats in [0, 1], row-major, like the training digits; null when there is no ink.
 *
 * @example
 * ```ts
 * const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
 * const alpha = data.filter((_, i) => i % 4 === 3);
 * const input = drawingToInput(alpha, width, height); // Float32Array(784) or null
 * ```
 */
export function drawingToInput(ink: ArrayLike<number>, width: number, height: number): Float32Array | null {
  if (ink.length !== width * height)
    throw new Error(`drawingToInput: ${ink.length} values do not fill ${width}×${height}`);
  let [left, top, right, bottom] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x]! > 0) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  }
  if (right < 0) return null;
  const [boxWidth, boxHeight] = [right - left + 1, bottom - top + 1];
  const scale = BOX / Math.max(boxWidth, boxHeight);
  // Supersampling: each target pixel averages SAMPLES² points spread over it, each read from the
  // source pixel under it — an area average when shrinking, smooth enough when enlarging.
  const scaled = new Float32Array(SIDE * SIDE);
  const [offsetX, offsetY] = [(SIDE - boxWidth * scale) / 2, (SIDE - boxHeight * scale) / 2];
  for (let ty = 0; ty < SIDE; ty++) {
    for (let tx = 0; tx < SIDE; tx++) {
      let total = 0;
      for (let i = 0; i < SAMPLES; i++) {
        const sy = Math.floor(top + (ty + (i + 0.5) / SAMPLES - offsetY) / scale);
        if (sy < top || sy > bottom) continue;
        for (let j = 0; j < SAMPLES; j++) {
          const sx = Math.floor(left + (tx + (j + 0.5) / SAMPLES - offsetX) / scale);
          if (sx >= left && sx <= right) total += ink[sy * width + sx]!;
        }
      }
      scaled[ty * SIDE + tx] = total / (255 * SAMPLES * SAMPLES);
    }
  }
  for (let i = 0; i < scaled.length; i++) scaled[i] = Math.min(1, scaled[i]!);
  return centreByMass(scaled);
}

/**
 * Shifts a 28×28 image (whole pixels) so that its centre of mass is at the centre.
 *
 * @example
 * ```ts
 * const centred = centreByMass(image); // a dot at (3, 2) moves to (14, 14)
 * ```
 */
export function centreByMass(image: Float32Array): Float32Array {
  let [mass, sumX, sumY] = [0, 0, 0];
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const value = image[y * SIDE + x]!;
      mass += value;
      sumX += value * (x + 0.5);
      sumY += value * (y + 0.5);
    }
  }
  if (mass === 0) return image.slice();
  const [dx, dy] = [Math.round(SIDE / 2 - sumX / mass), Math.round(SIDE / 2 - sumY / mass)];
  const shifted = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const [tx, ty] = [x + dx, y + dy];
      if (tx >= 0 && tx < SIDE && ty >= 0 && ty < SIDE) shifted[ty * SIDE + tx] = image[y * SIDE + x]!;
    }
  }
  return shifted;
}
