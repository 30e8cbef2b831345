// `backprop predict DIR IMAGE…`: PNG or JPEG → grey or RGB as the model's sampleShape says → its
// size (padded to the aspect ratio), inverted when a digits model gets pen on paper → top-3
// classes. Decoding and its limits: @backprop/datasets/node.
import { existsSync } from 'node:fs';
import { noGrad, Tensor } from '@backprop/core';
import {
  decodeImage,
  IMAGE_LIMITS,
  ImageError,
  imageToTensor,
  inkPolarity,
  readImageFileSync,
} from '@backprop/datasets/node';
import { parseInteger } from '../config/values.js';
import { ExitCode, firstLine, runtimeError, usageError } from '../errors.js';
import { readModelFile } from '../run/model-file.js';
import { loadWeightsFile } from '../run/weights-file.js';
import { runPaths } from '../run/run-directory.js';

/** One image's answer: the top classes, most probable first. */
export interface Prediction {
  image: string;
  /** `name` is the class's folder name when the model was trained on a picture folder. */
  top: Array<{ class: number; name?: string; probability: number }>;
  /** Whether the picture was inverted before the model saw it (--invert, or a dark-on-light drawing for a digits model). */
  inverted: boolean;
}

/**
 * Runs `backprop predict`; resolves with the exit code.
 *
 * @example
 * ```ts
 * await predictCommand('runs/mnist-cnn-1', ['seven.png'], { invert: true });
 * ```
 */
export async function predictCommand(
  directory: string,
  images: string[],
  flags: Record<string, unknown>,
): Promise<number> {
  if (!existsSync(directory))
    throw usageError(`${directory}: no such run directory; give the directory printed by backprop train`);
  const saved = readModelFile(runPaths(directory).model);
  if (typeof flags.weights === 'string') loadWeightsFile(flags.weights, saved.model, '--weights');
  const shape = saved.info.sampleShape;
  if (shape.length !== 3 || (shape[0] !== 1 && shape[0] !== 3)) {
    throw usageError(
      `${directory} holds a model for samples of shape [${shape.join(', ')}], not grey or RGB images; predict needs a model trained on images (e.g. --data mnist)`,
    );
  }
  const [channels, height, width] = shape as [number, number, number];
  const maxPixels =
    flags.maxPixels !== undefined
      ? parseInteger(flags.maxPixels, { flag: '--max-pixels' }, { min: 1, example: '100000000' })
      : IMAGE_LIMITS.maxPixels;
  for (const image of images)
    if (!existsSync(image)) throw usageError(`${image}: no such file; give PNG or JPEG image paths`);
  // NOTE(auto-invert): a model trained on grey digits (MNIST, IDX) reads light ink on a dark
  // background; people draw dark ink on light paper. Unless --no-auto-invert, such a picture (told
  // by its border: inkPolarity) is inverted, and a note says so. Picture-folder models (cats) learnt
  // their pictures as they are: never inverted unless --invert.
  const digits = saved.info.pictures === undefined && channels === 1;
  const autoInvert = flags.autoInvert !== false && digits;
  for (const image of images) {
    let pixels: Float32Array;
    let invert = flags.invert === true;
    try {
      const raster = decodeImage(readImageFileSync(image, { maxFileBytes: IMAGE_LIMITS.maxFileBytes }), {
        file: image,
        maxPixels,
      });
      if (!invert && autoInvert && inkPolarity(raster) === 'dark-on-light') {
        invert = true;
        if (flags.json !== true)
          process.stderr.write(
            `${image}: dark ink on light paper — inverted, as the model reads light on dark (pass --no-auto-invert to keep it)\n`,
          );
      }
      // NOTE(predict-fit): a picture-folder model gets its pictures as training read them (centre
      // crop, loadImageFolder's default), so predict and eval agree on the same file. A digits
      // model gets them padded, not cropped, so a drawing on a wide canvas keeps all its ink; the
      // padding and transparent pixels take the paper's colour (white when inverted), which the
      // inversion below turns into MNIST's black background.
      const fit = saved.info.pictures === undefined ? 'pad' : 'crop';
      pixels = imageToTensor(raster, {
        width,
        height,
        color: channels === 3 ? 'rgb' : 'grey',
        fit,
        background: invert ? 1 : 0,
      });
    } catch (error) {
      if (error instanceof ImageError) {
        throw runtimeError(
          error.message
            .replace('raise maxPixels', 'raise --max-pixels')
            .replace(', or raise maxFileBytes if the file is trusted', ''),
          error,
        );
      }
      throw runtimeError(`${image}: cannot read it as an image (${firstLine(error)})`, error);
    }
    if (invert) for (let i = 0; i < pixels.length; i++) pixels[i] = 1 - pixels[i]!;
    const probabilities = noGrad(() =>
      saved.model.forward(new Tensor(pixels, [1, channels, height, width])).softmax(1),
    ).data;
    const names = saved.info.classNames;
    const top = Array.from(probabilities, (probability, index) =>
      names === undefined ? { class: index, probability } : { class: index, name: names[index]!, probability },
    )
      .sort((a, b) => b.probability - a.probability)
      .slice(0, 3);
    const prediction: Prediction = { image, top, inverted: invert };
    if (flags.json === true) process.stdout.write(`${JSON.stringify(prediction)}\n`);
    else
      process.stdout.write(
        `${image}  ${top.map((t) => `${t.name ?? t.class} (${(100 * t.probability).toFixed(1)}%)`).join('  ')}\n`,
      );
  }
  return ExitCode.ok;
}
