// The page's built-in two-class set when the user has no pictures: embedded MNIST digits as
// "3" / "not 3" colour pictures, resized with the same arithmetic as dropped pictures. No DOM.
import type { MnistData } from '@backprop/datasets';
import { imageToTensor, type Raster } from '@backprop/datasets/images';

/** Digits of each class put in the zones. */
export const DIGITS_PER_CLASS = 60;

/**
 * Digit `index` of `data` as a picture [C, size, size] (grey repeated in RGB; MNIST's light ink on black).
 *
 * @example
 * ```ts
 * digitPicture(split.test, 0, { size: 32, color: 'rgb' }); // Float32Array(3·32·32)
 * ```
 */
export function digitPicture(
  data: MnistData,
  index: number,
  options: { size: number; color: 'rgb' | 'grey' },
): Float32Array {
  const pixels = data.rows * data.cols;
  const raster: Raster = {
    width: data.cols,
    height: data.rows,
    channels: 1,
    data: data.images.subarray(index * pixels, (index + 1) * pixels),
    maxValue: 255,
    orientation: 1,
    format: 'png',
  };
  return imageToTensor(raster, { width: options.size, height: options.size, color: options.color });
}

/**
 * The first `perClass` 3s and the first `perClass` other digits of `data` (in its fixed order, so
 * every visit shows the same set), as "3" (label 0) and "not 3" (label 1) pictures.
 *
 * @example
 * ```ts
 * const { threes, others } = threeOrNot(mnistSplit(data).train, { size: 32, perClass: 60 });
 * ```
 */
export function threeOrNot(
  data: MnistData,
  options: { size: number; perClass: number },
): { threes: Float32Array[]; others: Float32Array[] } {
  const threes: Float32Array[] = [];
  const others: Float32Array[] = [];
  for (let i = 0; i < data.count && (threes.length < options.perClass || others.length < options.perClass); i++) {
    const list = data.labels[i] === 3 ? threes : others;
    if (list.length < options.perClass) list.push(digitPicture(data, i, { size: options.size, color: 'rgb' }));
  }
  return { threes, others };
}
