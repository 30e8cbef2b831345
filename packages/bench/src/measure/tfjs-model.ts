// The benchmark models in TensorFlow.js, built from the same Backprop JSON spec that Backprop builds:
// one description, two libraries. Images are NHWC in TF.js (NCHW in Backprop); the layers the bench
// uses are enough (linear, relu, conv2d, maxPool2d, flatten).
import type { LayerSpec, ModelSpec } from '@backprop/core';
import * as tf from '@tensorflow/tfjs-core';

/** A TF.js model: its trainable variables and its forward pass (inside a `tf.tidy`). */
export interface TfjsModel {
  readonly variables: tf.Variable[];
  forward(x: tf.Tensor): tf.Tensor;
}

/**
 * One sample's TF.js shape from Backprop's: `[C, H, W]` → `[H, W, C]`. With one channel both
 * layouts hold the same values in the same order, so a batch's Float32Array serves both.
 */
export function tfjsSampleShape(sampleShape: readonly number[]): number[] {
  if (sampleShape.length !== 3) return [...sampleShape];
  const [channels, height, width] = sampleShape as [number, number, number];
  if (channels !== 1)
    throw new Error(
      `tfjsSampleShape: only one channel shares Backprop's memory layout, got [${sampleShape.join(', ')}]`,
    );
  return [height, width, channels];
}

const single = (size: number | readonly [number, number], what: string): number => {
  if (typeof size === 'number') return size;
  if (size[0] !== size[1])
    throw new Error(
      `tfjsModel: ${what} [${size.join(', ')}] is not square; the bench's TF.js builder takes square ones`,
    );
  return size[0];
};

/**
 * Builds `spec` with TF.js ops and He-normal weights drawn with `seed` (biases zero).
 *
 * @example
 * ```ts
 * const model = tfjsModel(MODELS.mlp.spec, 7);
 * const logits = tf.tidy(() => model.forward(tf.zeros([64, 784])));
 * ```
 */
export function tfjsModel(spec: ModelSpec, seed: number): TfjsModel {
  if (spec.type !== 'sequential') throw new Error(`tfjsModel: expected a 'sequential' spec, got '${spec.type}'`);
  const variables: tf.Variable[] = [];
  let nextSeed = seed;
  const weight = (shape: number[], fanIn: number) => {
    const variable = tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', nextSeed++));
    variables.push(variable);
    return variable;
  };
  const bias = (size: number) => {
    const variable = tf.variable(tf.zeros([size]));
    variables.push(variable);
    return variable;
  };
  const layer = (spec: LayerSpec): ((x: tf.Tensor) => tf.Tensor) => {
    switch (spec.type) {
      case 'linear': {
        const w = weight([spec.in, spec.out], spec.in);
        const b = bias(spec.out);
        return (x) => tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b);
      }
      case 'relu':
        return (x) => tf.relu(x);
      case 'conv2d': {
        const kernel = single(spec.kernel, 'conv2d kernel');
        if (single(spec.stride ?? 1, 'conv2d stride') !== 1) throw new Error('tfjsModel: conv2d stride must be 1');
        if (
          typeof spec.padding === 'string' ||
          (spec.groups ?? 1) !== 1 ||
          spec.dilation !== undefined ||
          (spec.paddingMode ?? 'zeros') !== 'zeros'
        ) {
          throw new Error(
            "tfjsModel: conv2d needs numeric padding with zeros, groups 1 and no dilation in the bench's TF.js builder",
          );
        }
        const padding = single(spec.padding ?? 0, 'conv2d padding');
        const filter = weight([kernel, kernel, spec.in, spec.out], spec.in * kernel * kernel);
        const b = bias(spec.out);
        return (x) =>
          tf.add(tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 1, padding === 0 ? 'valid' : padding), b);
      }
      case 'maxPool2d': {
        const kernel = single(spec.kernel, 'maxPool2d kernel');
        const stride = single(spec.stride ?? kernel, 'maxPool2d stride');
        if (single(spec.padding ?? 0, 'maxPool2d padding') !== 0)
          throw new Error('tfjsModel: maxPool2d padding must be 0');
        return (x) => tf.maxPool(x as tf.Tensor4D, kernel, stride, 'valid');
      }
      case 'flatten':
        return (x) => tf.reshape(x, [x.shape[0]!, -1]);
      default:
        throw new Error(`tfjsModel: the bench's TF.js builder has no '${spec.type}' layer`);
    }
  };
  const layers = spec.layers.map(layer);
  return { variables, forward: (x) => layers.reduce((h, apply) => apply(h), x) };
}
