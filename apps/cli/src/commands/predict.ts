// `backprop predict DIR IMAGE…`: PNG → grayscale → 28×28 (or the model's size) → top-3 classes.
import { existsSync, readFileSync } from 'node:fs';
import { noGrad, Tensor } from '@backprop/core';
import { ExitCode, firstLine, runtimeError, usageError } from '../errors.js';
import { pngToGray } from '../image/png-grayscale.js';
import { resizeArea } from '../image/resize.js';
import { readModelFile } from '../run/model-file.js';
import { loadWeightsFile } from '../run/weights-file.js';
import { runPaths } from '../run/run-directory.js';

/** One image's answer: the top classes, most probable first. */
export interface Prediction {
  image: string;
  top: Array<{ class: number; probability: number }>;
}

/**
 * Runs `backprop predict`; resolves with the exit code.
 *
 * @example
 * ```ts
 * await predictCommand('runs/mnist-cnn-1', ['seven.png'], { invert: true });
 * ```
 */
export async function predictCommand(directory: string, images: string[], flags: Record<string, unknown>): Promise<number> {
  if (!existsSync(directory)) throw usageError(`${directory}: no such run directory; give the directory printed by backprop train`);
  const saved = readModelFile(runPaths(directory).model);
  if (typeof flags.weights === 'string') loadWeightsFile(flags.weights, saved.model, '--weights');
  const shape = saved.info.sampleShape;
  if (shape.length !== 3 || shape[0] !== 1) {
    throw usageError(`${directory} holds a model for samples of shape [${shape.join(', ')}], not grayscale images; predict needs a model trained on images (e.g. --data mnist)`);
  }
  const [, height, width] = shape as [number, number, number];
  for (const image of images) if (!existsSync(image)) throw usageError(`${image}: no such file; give PNG image paths`);
  for (const image of images) {
    let gray;
    try {
      gray = pngToGray(readFileSync(image), { darkOnLight: flags.invert === true });
    } catch (error) {
      throw runtimeError(`${image}: cannot decode it as a PNG image (${firstLine(error)}); convert it to PNG`, error);
    }
    const input = resizeArea(gray, width, height);
    const probabilities = noGrad(() => saved.model.forward(new Tensor(input.pixels, [1, 1, height, width])).softmax(1)).data;
    const top = Array.from(probabilities, (probability, index) => ({ class: index, probability }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, 3);
    const prediction: Prediction = { image, top };
    if (flags.json === true) process.stdout.write(`${JSON.stringify(prediction)}\n`);
    else process.stdout.write(`${image}  ${top.map((t) => `${t.class} (${(100 * t.probability).toFixed(1)}%)`).join('  ')}\n`);
  }
  return ExitCode.ok;
}
