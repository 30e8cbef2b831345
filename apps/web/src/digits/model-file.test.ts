import { buildModel, encodeCheckpoint, Generator, saveSafetensors, Tensor, type ModelSpec } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { checkModelFileSize, MAX_MODEL_FILE_BYTES, predictDigit, readModelFile } from './model-file';

const mlp: ModelSpec = {
  type: 'sequential',
  layers: [{ type: 'linear', in: 784, out: 16 }, { type: 'relu' }, { type: 'linear', in: 16, out: 10 }],
};
const cnn: ModelSpec = {
  type: 'sequential',
  layers: [
    { type: 'conv2d', in: 1, out: 2, kernel: 5 },
    { type: 'relu' },
    { type: 'maxPool2d', kernel: 4 },
    { type: 'flatten' },
    { type: 'linear', in: 72, out: 10 },
  ],
};

function file(spec: ModelSpec, options: { withSpec?: boolean; step?: number } = {}): Uint8Array {
  const model = buildModel(spec, { generator: new Generator(3) });
  return encodeCheckpoint({
    model: model.stateDict(),
    ...(options.withSpec === false ? {} : { spec }),
    ...(options.step === undefined ? {} : { training: { step: options.step } }),
  });
}

describe('readModelFile', () => {
  it('rebuilds an MLP from a CLI-style checkpoint and predicts probabilities that sum to 1', () => {
    const loaded = readModelFile(file(mlp, { step: 120 }), 'model.safetensors');
    expect(loaded.inputShape).toEqual([1, 784]);
    expect(loaded.parameters).toBe(784 * 16 + 16 + 16 * 10 + 10);
    expect(loaded.step).toBe(120);
    const probabilities = predictDigit(loaded.model, loaded.inputShape, new Float32Array(784).fill(0.5));
    expect(probabilities).toHaveLength(10);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // the same weights as saved: the prediction equals the original model's
    const original = buildModel(mlp, { generator: new Generator(3) });
    expect(Array.from(probabilities)).toEqual(
      Array.from(predictDigit(original, [1, 784], new Float32Array(784).fill(0.5))),
    );
  });

  it('finds the [1, 1, 28, 28] input of a CNN', () => {
    expect(readModelFile(file(cnn)).inputShape).toEqual([1, 1, 28, 28]);
  });

  it('says what is wrong with a corrupt file, a file without a spec, and weights that do not fit', () => {
    expect(() => readModelFile(new TextEncoder().encode('hello, not a model'), 'notes.txt')).toThrow(
      /^notes\.txt is not a readable safetensors file: /,
    );
    const truncated = file(mlp).slice(0, 200);
    expect(() => readModelFile(truncated, 'cut.safetensors')).toThrow(
      /^cut\.safetensors is not a readable safetensors file/,
    );
    expect(() => readModelFile(file(mlp, { withSpec: false }), 'w.safetensors')).toThrow(
      /w\.safetensors has no model spec \('backprop\.spec'/,
    );
    const plain = saveSafetensors(new Map([['layers.0.weight', new Tensor(new Float32Array(4), [2, 2])]]), {});
    expect(() => readModelFile(plain)).toThrow(/has no model spec/);
    const wrongWeights = encodeCheckpoint({
      model: buildModel(mlp, { generator: new Generator(1) }).stateDict(),
      spec: {
        ...mlp,
        layers: [{ type: 'linear', in: 784, out: 8 }, { type: 'relu' }, { type: 'linear', in: 8, out: 10 }],
      },
    });
    expect(() => readModelFile(wrongWeights, 'm.safetensors')).toThrow(
      /m\.safetensors: its weights do not fit its model spec: .*wrong shapes: layers\.0\.weight: expected \[8,784\], got \[16,784\]/,
    );
  });

  it('refuses a model that does not map a digit to 10 scores, and a spec that cannot be built', () => {
    const threeClasses: ModelSpec = { type: 'sequential', layers: [{ type: 'linear', in: 784, out: 3 }] };
    expect(() => readModelFile(file(threeClasses), 'three.safetensors')).toThrow(
      /three\.safetensors: the model does not map a 28×28 digit to 10 class scores \(\[1, 784\] gives \[1, 3\]; \[1, 1, 28, 28\]: /,
    );
    const bad = encodeCheckpoint({
      model: {},
      spec: { type: 'sequential', layers: [{ type: 'linear', in: -1, out: 3 }] },
    });
    expect(() => readModelFile(bad, 'bad.safetensors')).toThrow(/bad\.safetensors: its model spec cannot be built: /);
  });
});

describe('checkModelFileSize', () => {
  it('refuses a file over 64 MiB before it is read, naming the size and the limit', () => {
    expect(() => checkModelFileSize(MAX_MODEL_FILE_BYTES, 'model.safetensors')).not.toThrow();
    expect(() => checkModelFileSize(5 * 2 ** 30, 'huge.safetensors')).toThrow(
      'huge.safetensors is 5120.0 MiB, over the 64 MiB a model for 28×28 digits may take here',
    );
  });
});
