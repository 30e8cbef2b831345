// One dropped picture → float32 [C, S, S] in 0..1, off the page thread: the file's size and its
// header checked first (@backprop/datasets/images, before any pixel is decoded), decoded by the
// browser (createImageBitmap), then centre-cropped and resized with the datasets' own arithmetic.
import { checkImage, ImageError, imageToTensor, type Raster } from '@backprop/datasets/images';

/** How pictures become samples: the square side, grey or RGB, and the limits. */
export interface PictureDecodeOptions {
  size: number;
  color: 'rgb' | 'grey';
  maxPixels: number;
  maxFileBytes: number;
}

/** Decoded RGBA pixels, row-major, 4 bytes a pixel, already upright. */
export interface RgbaPixels {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** Turns checked image bytes into upright RGBA pixels: the browser's decoder in the page, another in tests. */
export type Rasterize = (bytes: Uint8Array) => Promise<RgbaPixels>;

/**
 * The browser's decoder: `createImageBitmap` (EXIF orientation applied, no colour-space conversion,
 * alpha not premultiplied, as the datasets' decoders read files) drawn on an OffscreenCanvas.
 */
export const browserRasterize: Rasterize = async (bytes) => {
  const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
    imageOrientation: 'from-image',
    premultiplyAlpha: 'none',
    colorSpaceConversion: 'none',
  });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (context === null) throw new Error('no 2-D canvas in this worker');
    context.drawImage(bitmap, 0, 0);
    const { data, width, height } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    return { width, height, data };
  } finally {
    bitmap.close();
  }
};

/**
 * Reads, checks, decodes and resizes one picture. Every refusal is an ImageError whose one-line
 * message starts with `name`: a file over `maxFileBytes` (before reading it), not PNG or JPEG, an
 * empty, truncated or damaged file, a header over `maxPixels` (before decoding), a file the browser
 * cannot decode.
 *
 * @example
 * ```ts
 * const sample = await decodePicture(file, file.name, { size: 32, color: 'rgb', maxPixels: 24e6, maxFileBytes: 32 * 2 ** 20 }, browserRasterize); // Float32Array(3·32·32)
 * ```
 */
export async function decodePicture(
  file: Blob,
  name: string,
  options: PictureDecodeOptions,
  rasterize: Rasterize,
): Promise<Float32Array> {
  if (file.size > options.maxFileBytes) {
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    throw new ImageError(
      name,
      `the file is ${mib(file.size)} MiB, over the ${mib(options.maxFileBytes)} MiB limit for one picture`,
      'shrink it, or raise the limit with ?maxFileMiB= in the address',
    );
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  let header;
  try {
    header = checkImage(bytes, { file: name, maxPixels: options.maxPixels });
  } catch (error) {
    // The library names its option; say what a page user can do instead.
    if (error instanceof ImageError && error.fix.includes('raise maxPixels')) {
      throw new ImageError(
        name,
        error.problem,
        error.fix.replace('raise maxPixels', 'raise ?maxPixels= in the address'),
      );
    }
    throw error;
  }
  let pixels: RgbaPixels;
  try {
    pixels = await rasterize(bytes);
  } catch (error) {
    throw new ImageError(
      name,
      `the browser could not decode this ${header.format.toUpperCase()} (${String((error as Error)?.message ?? error).slice(0, 80)})`,
      're-save or re-export the image (it is damaged)',
    );
  }
  const raster: Raster = {
    width: pixels.width,
    height: pixels.height,
    channels: 4,
    data:
      pixels.data instanceof Uint8Array
        ? pixels.data
        : new Uint8Array(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength),
    maxValue: 255,
    orientation: 1, // createImageBitmap has turned it upright already
    format: header.format,
  };
  return imageToTensor(raster, { width: options.size, height: options.size, color: options.color });
}
