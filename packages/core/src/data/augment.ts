// Data augmentation for image batches: random whole-pixel shifts and horizontal flips. Draws from an explicit seeded
// generator (its state can go into a checkpoint), so augmented runs reproduce and resume exactly.
import { formatShape } from '../kernels/shape.js';
import type { Generator } from '../random/generator.js';
import { globalGenerator } from '../random/global-generator.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * Moves each image of `images` [N, C, H, W] by (dx, dy), each an integer uniform in
 * [−maxShift, maxShift] drawn per image (dx first), shifting zeros in — torchvision's
 * `RandomAffine(translate=…)` restricted to whole pixels. Two draws per image, whatever C, H, W.
 *
 * @example
 * ```ts
 * const augment = new Generator(5);
 * const shifted = randomShift(images, 1, augment); // images [64, 1, 28, 28], ±1 pixel
 * ```
 */
export function randomShift(images: Tensor, maxShift: number, generator: Generator = globalGenerator()): Tensor {
  if (images.ndim !== 4)
    throw new Error(
      `randomShift: expected images [N, C, H, W], got ${formatShape(images.shape)}; reshape flat rows first, e.g. x.reshape([N, 1, 28, 28])`,
    );
  if (!Number.isInteger(maxShift) || maxShift < 0)
    throw new Error(`randomShift: maxShift must be an integer ≥ 0, got ${String(maxShift)}`);
  const [count, channels, height, width] = images.shape as [number, number, number, number];
  const out = new Float32Array(images.size);
  const source = images.data;
  for (let n = 0; n < count; n++) {
    const dx = generator.int(-maxShift, maxShift + 1);
    const dy = generator.int(-maxShift, maxShift + 1);
    for (let c = 0; c < channels; c++) {
      const plane = (n * channels + c) * height * width;
      for (let y = Math.max(0, dy); y < Math.min(height, height + dy); y++) {
        const from = plane + (y - dy) * width - dx;
        const to = plane + y * width;
        for (let x = Math.max(0, dx); x < Math.min(width, width + dx); x++) out[to + x] = source[from + x]!;
      }
    }
  }
  return new Tensor(out, images.shape);
}

/**
 * Mirrors each image of `images` [N, C, H, W] left to right with probability `p` (default 0.5),
 * one uniform draw per image — torchvision's `RandomHorizontalFlip`. For photos, not digits.
 *
 * @example
 * ```ts
 * const flipped = randomHorizontalFlip(images, 0.5, new Generator(5)); // images [64, 3, 32, 32]
 * ```
 */
export function randomHorizontalFlip(images: Tensor, p = 0.5, generator: Generator = globalGenerator()): Tensor {
  if (images.ndim !== 4)
    throw new Error(`randomHorizontalFlip: expected images [N, C, H, W], got ${formatShape(images.shape)}`);
  if (!(p >= 0 && p <= 1)) throw new Error(`randomHorizontalFlip: p must be a probability in [0, 1], got ${String(p)}`);
  const [count, channels, height, width] = images.shape as [number, number, number, number];
  const out = Float32Array.from(images.data);
  const imageSize = channels * height * width;
  for (let n = 0; n < count; n++) {
    if (generator.uniform(0, 1) >= p) continue;
    for (let row = n * imageSize; row < (n + 1) * imageSize; row += width) out.subarray(row, row + width).reverse();
  }
  return new Tensor(out, images.shape);
}
