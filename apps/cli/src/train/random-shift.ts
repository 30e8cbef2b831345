// Data augmentation on the main thread: each image of a batch moved by a random whole-pixel offset.
// Draws from the seeded generator it is given (whose state goes into the checkpoint), never an unseeded source.
import { Tensor, type Generator } from '@backprop/core';

/**
 * Moves each image of `images` [N, C, H, W] by (dx, dy), each uniform in [−max, max], zeros shifted
 * in; both offsets are drawn per image, so the draws per batch depend only on N.
 *
 * @example
 * ```ts
 * const augmented = randomShift(images, new Generator(5), 1); // ±1 pixel
 * ```
 */
export function randomShift(images: Tensor, generator: Generator, max: number): Tensor {
  const [count, channels, height, width] = images.shape as [number, number, number, number];
  const out = new Float32Array(images.size);
  const source = images.data;
  for (let n = 0; n < count; n++) {
    const dx = generator.int(-max, max + 1);
    const dy = generator.int(-max, max + 1);
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
