// An image folder (torchvision's ImageFolder convention) loaded whole into float32 [N, C, H, W]
// with int32 labels, decoded on the calling thread or on a pool of threads (decode-pool.ts).
// Node-only (node:fs via read-image-file, folder-walk).
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { decodeImage } from './decode-image.js';
import { decodeInParallel, defaultDecodeThreads } from './decode-pool.js';
import { listImageFolder } from './folder-walk.js';
import { ImageError } from './image-error.js';
import { imageToTensor, type ImageTensorOptions } from './image-tensor.js';
import { IMAGE_LIMITS, checkLimit, type ImageLimits } from './limits.js';
import { readImageFileSync } from './read-image-file.js';

/** Options of {@link loadImageFolder} and {@link loadImageSync}. */
export interface LoadImageOptions extends ImageTensorOptions, ImageLimits {}

/** Options of {@link loadImageFolder}. */
export interface ImageFolderOptions extends LoadImageOptions {
  /** Skip files that cannot be read as images (listed in `skipped`) instead of failing on the first; default false. */
  readonly skipBad?: boolean;
  /** Most images loaded; default 100,000 (N × C × H × W floats are allocated up front). */
  readonly maxImages?: number;
  /** Called as images are done (once with done 0 before the first; after each image, or each batch of 16 on threads). */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Threads that decode (a piscina pool): default every core, at most 8; 1 decodes on the calling
   * thread. Folders of fewer than `parallelMinImages` images are always decoded on the calling
   * thread. Same result either way, bit for bit (NOTE(parallel-decode)).
   */
  readonly threads?: number;
  /** Fewest images worth starting threads for; default {@link PARALLEL_MIN_IMAGES}. */
  readonly parallelMinImages?: number;
}

/**
 * Folders with fewer images are decoded on the calling thread: starting the pool and loading the
 * decoders in its threads costs about as much as a few hundred photo-sized pictures take to decode
 * on one thread (break-even near 400 on 2 cores: docs/performance.md), so below this, threads lose.
 */
export const PARALLEL_MIN_IMAGES = 500;

/** A loaded image folder. */
export interface ImageFolderData {
  /** N × C × H × W floats in 0..1, image after image (backed by a SharedArrayBuffer when decoded on threads). */
  readonly images: Float32Array;
  readonly shape: readonly [number, number, number, number];
  /** N class indices into `classes`. */
  readonly labels: Int32Array;
  /** Class names: the subfolder names in Python's sorted() order, so indices match torchvision's ImageFolder. */
  readonly classes: string[];
  /** N paths relative to the root folder, in the order of `images`. */
  readonly files: string[];
  /** Files left out with `skipBad`: path (relative to the current directory) and the problem. */
  readonly skipped: Array<{ file: string; problem: string }>;
}

/** Most pixels of the output size (width × height): the tensors are meant for training, not storage. */
const MAX_OUTPUT_PIXELS = 4096 * 4096;

/**
 * Reads one image file as float32 [C, H, W] in 0..1 (see {@link imageToTensor} for `fit` and
 * `background`): a regular file of at most `maxFileBytes`, a header of at most `maxPixels`.
 *
 * @example
 * ```ts
 * const x = loadImageSync('cat.jpg', { width: 32, height: 32, color: 'rgb' }); // Float32Array(3072)
 * ```
 */
export function loadImageSync(path: string, options: LoadImageOptions): Float32Array {
  const maxFileBytes = checkLimit('maxFileBytes', options.maxFileBytes, IMAGE_LIMITS.maxFileBytes);
  const bytes = readImageFileSync(path, { maxFileBytes });
  return imageToTensor(decodeImage(bytes, { file: path, maxPixels: options.maxPixels }), options);
}

/**
 * Loads a folder with one subfolder per class (`pictures/cat/*.jpg`, `pictures/not-cat/*.png`),
 * every image resized to `width × height`. A bad file fails the load with its one-line
 * {@link ImageError}, or with `skipBad` is left out and listed in `skipped`.
 *
 * @example
 * ```ts
 * const data = await loadImageFolder('pictures', { width: 32, height: 32, color: 'rgb', skipBad: true });
 * data.shape; // [N, 3, 32, 32]; data.classes ['cat', 'not-cat']; data.labels Int32Array of 0 and 1
 * ```
 */
export async function loadImageFolder(root: string, options: ImageFolderOptions): Promise<ImageFolderData> {
  const maxImages = checkLimit('maxImages', options.maxImages, 100_000);
  const { width, height } = options;
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1) {
    throw new RangeError(
      `loadImageFolder: width and height must be integers ≥ 1, got ${String(width).slice(0, 20)}×${String(height).slice(0, 20)}`,
    );
  }
  if (width * height > MAX_OUTPUT_PIXELS) {
    throw new RangeError(
      `loadImageFolder: ${options.width}×${options.height} images are over the ${MAX_OUTPUT_PIXELS}-pixel output size limit; choose a smaller width and height`,
    );
  }
  const listing = listImageFolder(root);
  const skipped: Array<{ file: string; problem: string }> = [];
  for (const error of listing.refused) {
    if (options.skipBad !== true) throw error;
    skipped.push({ file: error.file, problem: error.problem });
  }
  const total = listing.entries.length;
  if (total > maxImages) {
    throw new ImageError(
      root,
      `holds ${total} images, over the ${maxImages}-image limit (maxImages)`,
      'raise maxImages if the memory is there',
    );
  }
  const channels = options.color === 'rgb' ? 3 : 1;
  const size = channels * options.height * options.width;
  let images: Float32Array;
  const labels = new Int32Array(total);
  const files: string[] = [];
  options.onProgress?.(0, total);
  const threads = Math.min(checkLimit('threads', options.threads, defaultDecodeThreads()), Math.ceil(total / 16));
  const fail = (error: ImageError): never => {
    throw new ImageError(error.file, error.problem, `${error.fix}, or pass skipBad to skip it`, { cause: error });
  };
  if (threads > 1 && total >= checkLimit('parallelMinImages', options.parallelMinImages, PARALLEL_MIN_IMAGES)) {
    const decoded = await decodeInParallel(
      listing.entries.map(({ file }) => join(root, file)),
      {
        threads,
        size,
        tensor: tensorOptions(options),
        maxPixels: checkLimit('maxPixels', options.maxPixels, IMAGE_LIMITS.maxPixels),
        maxFileBytes: checkLimit('maxFileBytes', options.maxFileBytes, IMAGE_LIMITS.maxFileBytes),
        stopAtFirstBad: options.skipBad !== true,
        onDone: (done) => options.onProgress?.(done, total),
      },
    );
    images = decoded.output;
    // Keep the decoded files in listing order, moving each to the next free slot (a skipped file leaves a gap).
    decoded.outcomes.forEach((outcome, i) => {
      if (outcome === undefined) return; // never sent: a bad file before it ends the load
      if (outcome !== null) {
        if (options.skipBad !== true) fail(new ImageError(outcome.file, outcome.problem, outcome.fix));
        skipped.push({ file: outcome.file, problem: outcome.problem });
        return;
      }
      if (files.length !== i) images.copyWithin(files.length * size, i * size, (i + 1) * size);
      labels[files.length] = listing.entries[i]!.label;
      files.push(listing.entries[i]!.file);
    });
  } else {
    images = new Float32Array(total * size);
    for (let i = 0; i < total; i++) {
      const { file, label } = listing.entries[i]!;
      try {
        images.set(loadImageSync(join(root, file), options), files.length * size);
        labels[files.length] = label;
        files.push(file);
      } catch (error) {
        if (!(error instanceof ImageError)) throw error;
        if (options.skipBad !== true) fail(error);
        skipped.push({ file: error.file, problem: error.problem });
      }
      options.onProgress?.(i + 1, total);
      // Let timers and I/O (a progress bar, Ctrl-C) run between images.
      if ((i & 15) === 15) await nextTurn();
    }
  }
  const counts = new Int32Array(listing.classes.length);
  for (let i = 0; i < files.length; i++) counts[labels[i]!]! += 1;
  const empty = listing.classes.findIndex((_, label) => counts[label] === 0);
  if (empty !== -1) {
    throw new ImageError(
      join(root, listing.classes[empty]!),
      'class folder has no readable image once bad files are skipped',
      'add images that decode, or remove the folder',
    );
  }
  const n = files.length;
  return {
    images: n === total ? images : images.slice(0, n * size),
    shape: [n, channels, options.height, options.width],
    labels: n === total ? labels : labels.slice(0, n),
    classes: listing.classes,
    files,
    skipped,
  };
}

/** The options imageToTensor reads, alone: what crosses to a decoding thread must be cloneable (no onProgress). */
function tensorOptions(options: ImageTensorOptions): ImageTensorOptions {
  const { width, height, color, fit, background } = options;
  return {
    width,
    height,
    color,
    ...(fit === undefined ? {} : { fit }),
    ...(background === undefined ? {} : { background }),
  };
}
