import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODELS } from './models.js';
import { tfjsModel, tfjsSampleShape } from './tfjs-model.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('tfjsModel', () => {
  it("builds the MLP spec as [in, out] weights and biases, like Backprop's parameter count", () => {
    const model = tfjsModel(MODELS.mlp.spec, 1);
    expect(model.variables.map((variable) => variable.shape)).toEqual([[784, 128], [128], [128, 10], [10]]);
    expect(model.variables.reduce((count, variable) => count + variable.size, 0)).toBe(784 * 128 + 128 + 128 * 10 + 10);
    tf.dispose(model.variables);
  });

  it('runs LeNet-5 on NHWC digits to [batch, 10] logits', () => {
    const model = tfjsModel(MODELS.lenet.spec, 1);
    expect(model.variables.map((variable) => variable.shape)).toEqual([
      [5, 5, 1, 6],
      [6],
      [5, 5, 6, 16],
      [16],
      [400, 120],
      [120],
      [120, 84],
      [84],
      [84, 10],
      [10],
    ]);
    const logits = tf.tidy(() => model.forward(tf.ones([2, ...tfjsSampleShape(MODELS.lenet.sampleShape)])));
    expect(logits.shape).toEqual([2, 10]);
    tf.dispose([logits, ...model.variables]);
  });

  it('refuses a layer it does not know and images with more than one channel', () => {
    expect(() => tfjsModel({ type: 'sequential', layers: [{ type: 'gelu' }] }, 1)).toThrow(
      "the bench's TF.js builder has no 'gelu' layer",
    );
    expect(() => tfjsSampleShape([3, 32, 32])).toThrow('only one channel');
  });
});
