// `--data DIR` where DIR holds one subfolder per class (torchvision's ImageFolder: pictures/cat/*.jpg,
// pictures/not-cat/*.png): decoded and resized by @backprop/datasets/node, split with a seeded,
// stratified validation part. Node-only.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { stratifiedSplit, Tensor, TensorDataset } from '@backprop/core';
import { ImageError, loadImageFolder, type ImageFolderData } from '@backprop/datasets/node';
import { runtimeError, usageError } from '../errors.js';
import { checkLabels, CONTROL_CHARACTERS } from './label-check.js';
import { takeRows, type LabelledData } from './labelled-data.js';

/** The validation split always uses this seed, so it never moves with `--seed`. */
const SPLIT_SEED = 0;

/** How to read the pictures (all of it is saved with the model: predict needs the same). */
export interface ImageFolderSourceOptions {
  /** Side of the square the pictures are resized to (centre-cropped first). */
  imageSize: number;
  /** Read as one grey channel instead of RGB. */
  grayscale: boolean;
  /** Share of each class held out for validation (the "test" part of the run); 1: the whole folder is the test set (`eval --data`), and the training set too. */
  valSplit: number;
  /** Leave out files that do not decode, listing them as warnings, instead of failing. */
  skipBad: boolean;
  /** Most classes allowed (`--max-classes`). */
  maxClasses: number;
  /** Most pixels a picture may declare (`--max-pixels`). */
  maxPixels: number;
  /** Called as pictures are decoded. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Whether `path` is a folder of class subfolders (and not a folder of IDX files): at least one
 * visible subfolder, and no file at its top level named like an IDX file.
 *
 * @example
 * ```ts
 * isImageFolder('pictures'); // true for pictures/cat/*.jpg + pictures/not-cat/*.png
 * ```
 */
export function isImageFolder(path: string): boolean {
  try {
    if (!statSync(path).isDirectory()) return false;
    const entries = readdirSync(path, { withFileTypes: true }).filter((entry) => !entry.name.startsWith('.'));
    if (entries.some((entry) => entry.isFile() && /-idx\d-ubyte(\.gz)?$/.test(entry.name))) return false;
    return entries.some(
      (entry) => entry.isDirectory() || (entry.isSymbolicLink() && statSync(join(path, entry.name)).isDirectory()),
    );
  } catch {
    return false;
  }
}

/**
 * The pictures of `root` as [N, C, S, S] in 0..1 with their class indices, split into training and
 * validation parts per class (seeded, stratified); class names in torchvision's order.
 *
 * @example
 * ```ts
 * const data = await loadImageFolderSource('pictures', { imageSize: 32, grayscale: false, valSplit: 0.2, skipBad: false, maxClasses: 1000, maxPixels: 50e6 });
 * data.classNames; // ['cat', 'not-cat']
 * ```
 */
export async function loadImageFolderSource(root: string, options: ImageFolderSourceOptions): Promise<LabelledData> {
  let folder: ImageFolderData;
  try {
    folder = await loadImageFolder(root, {
      width: options.imageSize,
      height: options.imageSize,
      color: options.grayscale ? 'grey' : 'rgb',
      skipBad: options.skipBad,
      maxPixels: options.maxPixels,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
  } catch (error) {
    if (error instanceof ImageError) {
      // The library names its own options; say what a CLI user can do instead.
      const fix = error.message
        .replace('raise maxPixels', 'raise --max-pixels')
        .replace(', or raise maxFileBytes if the file is trusted', '')
        .replace('raise maxImages if the memory is there', 'train on a part of the folder')
        .replace('skipBad', '--skip-bad');
      throw runtimeError(`--data: ${fix}`, error);
    }
    throw error;
  }
  const [count, channels, height, width] = folder.shape;
  const badName = folder.classes.find((name) => CONTROL_CHARACTERS.test(name));
  if (badName !== undefined) {
    throw usageError(
      `--data ${root}: a class folder's name holds control characters (${JSON.stringify(badName).slice(0, 80)}); rename it: class names are printed and saved with the model`,
    );
  }
  const labels = Float32Array.from(folder.labels);
  const all = new TensorDataset(
    new Tensor(folder.images, [count, channels, height, width]),
    new Tensor(labels, [count]),
  );
  let [trainSet, validationSet] = [all, all];
  if (options.valSplit < 1) {
    const [train, validation] = stratifiedSplit(
      all,
      folder.labels,
      [1 - options.valSplit, options.valSplit],
      SPLIT_SEED,
    );
    if (validation!.length === 0) {
      throw usageError(
        `--data ${root}: --val-split ${options.valSplit} of ${count} pictures leaves none for validation; add pictures or raise --val-split`,
      );
    }
    trainSet = takeRows(all, train!.indices);
    validationSet = takeRows(all, validation!.indices);
  }
  const checked = checkLabels(trainSet.tensors[1], validationSet.tensors[1], {
    source: `--data ${root}`,
    maxClasses: options.maxClasses,
  });
  const skipped = folder.skipped.map(({ file, problem }) => `--data ${root}: skipped ${file} (${problem})`);
  return {
    description: `pictures ${root}: ${count} in ${folder.classes.length} classes (${folder.classes.slice(0, 5).join(', ')}${folder.classes.length > 5 ? ', …' : ''}), ${options.grayscale ? 'grey' : 'RGB'} ${width}×${height}, ${options.valSplit < 1 ? `stratified ${Math.round(100 * (1 - options.valSplit))} / ${Math.round(100 * options.valSplit)} split` : 'all of them scored'}`,
    train: trainSet,
    test: validationSet,
    sampleShape: [channels, height, width],
    classes: checked.classes,
    classNames: folder.classes,
    pixelScale: 255,
    warnings: [...skipped, ...checked.warnings],
  };
}
