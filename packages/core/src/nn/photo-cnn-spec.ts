// The photo CNN as a JSON model spec — one definition for `backprop train --model photo-cnn` and the
// "Your pictures" page. Pure data; imports only spec types.
import type { ModelSpec } from './spec-types.js';

/**
 * A small CNN for photos [C, H, W] (H, W ≥ 16): three blocks of conv 3×3 (padding 1, no bias),
 * BatchNorm and ReLU with channels c1, c2 and 2·c2, max-pooling 2 after the first two, then a
 * global average pool (average pooling over the whole remaining plane, PyTorch's
 * `AdaptiveAvgPool2d(1)` for this fixed size) and one Linear to the classes. Throws a RangeError
 * naming the shape for samples that are not images of at least 16×16.
 *
 * @example
 * ```ts
 * photoCnnSpec([3, 32, 32], [16, 32], 2); // conv 16, 32, 64 → 64 averaged features → 2 scores
 * ```
 */
export function photoCnnSpec(
  sampleShape: readonly number[],
  channels: readonly [number, number] | readonly number[],
  classes: number,
): ModelSpec {
  const [inChannels, height, width] = sampleShape;
  if (sampleShape.length !== 3 || !(height! >= 16) || !(width! >= 16)) {
    throw new RangeError(
      `photoCnnSpec: needs images [channels, height, width] of at least 16×16, got samples of shape [${sampleShape.join(', ')}]`,
    );
  }
  const [first, second] = channels as [number, number];
  const block = (input: number, output: number): ModelSpec[] => [
    { type: 'conv2d', in: input, out: output, kernel: 3, padding: 1, bias: false },
    { type: 'batchNorm2d', features: output },
    { type: 'relu' },
  ];
  const pooled: [number, number] = [Math.floor(Math.floor(height! / 2) / 2), Math.floor(Math.floor(width! / 2) / 2)];
  return {
    type: 'sequential',
    layers: [
      ...block(inChannels!, first),
      { type: 'maxPool2d', kernel: 2 },
      ...block(first, second),
      { type: 'maxPool2d', kernel: 2 },
      ...block(second, 2 * second),
      { type: 'avgPool2d', kernel: pooled },
      { type: 'flatten' },
      { type: 'linear', in: 2 * second, out: classes },
    ],
  };
}
