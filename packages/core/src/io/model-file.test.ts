import { describe, expect, it } from 'vitest';
import { Generator } from '../random/generator.js';
import { buildModel } from '../nn/spec.js';
import { photoCnnSpec } from '../nn/photo-cnn-spec.js';
import { noGrad } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { encodeCheckpoint } from './checkpoint.js';
import { encodeModelFile, loadModel, MODEL_DATA_KEY, type ModelFileError, parseModelDataInfo } from './model-file.js';
import type { ModelSpec } from '../nn/spec-types.js';

const MLP: ModelSpec = {
  type: 'sequential',
  layers: [{ type: 'linear', in: 2, out: 4 }, { type: 'relu' }, { type: 'linear', in: 4, out: 3 }],
};

describe('photoCnnSpec', () => {
  it('builds the photo CNN for [3, 32, 32]: 64 averaged features into the classes', () => {
    const spec = photoCnnSpec([3, 32, 32], [16, 32], 2) as unknown as { layers: Array<Record<string, unknown>> };
    expect(spec.layers.map((layer) => layer['type'])).toEqual([
      'conv2d',
      'batchNorm2d',
      'relu',
      'maxPool2d',
      'conv2d',
      'batchNorm2d',
      'relu',
      'maxPool2d',
      'conv2d',
      'batchNorm2d',
      'relu',
      'avgPool2d',
      'flatten',
      'linear',
    ]);
    expect(spec.layers.at(-3)).toEqual({ type: 'avgPool2d', kernel: [8, 8] });
    expect(spec.layers.at(-1)).toEqual({ type: 'linear', in: 64, out: 2 });
    const model = buildModel(spec as unknown as ModelSpec, { generator: new Generator(1) });
    model.eval();
    expect(noGrad(() => model.forward(new Tensor(new Float32Array(2 * 3 * 32 * 32), [2, 3, 32, 32]))).shape).toEqual([
      2, 2,
    ]);
  });

  it('refuses samples that are not images of at least 16×16, naming the shape', () => {
    expect(() => photoCnnSpec([2], [16, 32], 2)).toThrow(
      'photoCnnSpec: needs images [channels, height, width] of at least 16×16, got samples of shape [2]',
    );
    expect(() => photoCnnSpec([3, 12, 40], [16, 32], 2)).toThrow(/shape \[3, 12, 40\]/);
  });
});

describe('model files', () => {
  it('round-trips weights, spec, data info and step; predictions are identical', () => {
    const spec = photoCnnSpec([3, 16, 16], [4, 8], 2);
    const model = buildModel(spec, { generator: new Generator(3) });
    const info = {
      data: 'pictures',
      sampleShape: [3, 16, 16],
      classes: 2,
      classNames: ['cat', 'not cat'],
      pictures: { imageSize: 16, grayscale: false, valSplit: 0.2, skipBad: false },
    };
    const loaded = loadModel(encodeModelFile({ weights: model.stateDict(), spec, info, step: 12 }));
    expect(loaded.info).toEqual(info);
    expect(loaded.step).toBe(12);
    expect(loaded.spec).toEqual(spec);
    const x = new Tensor(
      Float32Array.from({ length: 3 * 16 * 16 }, (_, i) => (i % 17) / 17),
      [1, 3, 16, 16],
    );
    model.eval();
    expect(Array.from(noGrad(() => loaded.model.forward(x)).data)).toEqual(
      Array.from(noGrad(() => model.forward(x)).data),
    );
  });

  it.each([
    [
      'no data metadata',
      () => encodeCheckpoint({ model: buildModel(MLP).stateDict(), spec: MLP }),
      /no backprop_cli\.data metadata/,
    ],
    [
      'no spec',
      () => encodeCheckpoint({ model: buildModel(MLP).stateDict() }),
      /no model spec \('backprop\.spec' in its metadata\)/,
    ],
    [
      'classes the model does not output',
      () =>
        encodeModelFile({
          weights: buildModel(MLP).stateDict(),
          spec: MLP,
          info: { data: 'xor', sampleShape: [2], classes: 2 },
        }),
      /metadata does not match its model: it outputs \[3\] per sample, but the data has 2 classes/,
    ],
    [
      'a sample shape the model cannot take',
      () =>
        encodeModelFile({
          weights: buildModel(MLP).stateDict(),
          spec: MLP,
          info: { data: 'xor', sampleShape: [5], classes: 3 },
        }),
      /samples of shape \[5\] fail in the model/,
    ],
    [
      'weights that do not fit',
      () =>
        encodeModelFile({
          weights: buildModel(photoCnnSpec([3, 16, 16], [4, 8], 2)).stateDict(),
          spec: MLP,
          info: { data: 'x', sampleShape: [2], classes: 3 },
        }),
      /unexpected|missing/,
    ],
    ['bytes that are not safetensors', () => new TextEncoder().encode('hello, not a model'), /./],
  ])('refuses %s, naming the part', (_name, bytes, message) => {
    expect(() => loadModel(bytes())).toThrow(message);
    const part = (() => {
      try {
        loadModel(bytes());
      } catch (error) {
        return (error as ModelFileError).part;
      }
      return null;
    })();
    expect(part).toBe(
      {
        'no data metadata': 'data',
        'no spec': 'spec',
        'classes the model does not output': 'data',
        'a sample shape the model cannot take': 'data',
        'weights that do not fit': 'weights',
        'bytes that are not safetensors': 'file',
      }[_name],
    );
  });

  it("dataInfo: 'optional' loads a checkpoint saved with a spec only, info null", () => {
    const model = buildModel(MLP, { generator: new Generator(5) });
    const loaded = loadModel(encodeCheckpoint({ model: model.stateDict(), spec: MLP, training: { step: 7 } }), {
      dataInfo: 'optional',
    });
    expect(loaded.info).toBeNull();
    expect(loaded.step).toBe(7);
    expect(loaded.model.namedParameters().map(([name]) => name)).toEqual([
      'layers.0.weight',
      'layers.0.bias',
      'layers.2.weight',
      'layers.2.bias',
    ]);
  });

  it.each([
    ['not JSON', '{', /backprop_cli\.data is not valid JSON/],
    ['an array', '[]', /is not an object/],
    [
      'a control character in data',
      JSON.stringify({ data: 'a\u001bb', sampleShape: [2], classes: 2 }),
      /data is not a string without control characters/,
    ],
    [
      'a string size',
      JSON.stringify({ data: 'x', sampleShape: ['2'], classes: 2 }),
      /sampleShape must be 1 to 4 positive integers/,
    ],
    [
      'a sample too large',
      JSON.stringify({ data: 'x', sampleShape: [1, 40000, 40000], classes: 2 }),
      /1600000000 values per sample, over the limit of 16777216 \(maxSampleElements\)/,
    ],
    [
      'too few class names',
      JSON.stringify({ data: 'x', sampleShape: [2], classes: 2, classNames: ['a'] }),
      /classNames must be 2 non-empty names of at most 255 characters/,
    ],
    [
      'a class name with an escape',
      JSON.stringify({ data: 'x', sampleShape: [2], classes: 2, classNames: ['a', '\u009b31m'] }),
      /without control characters/,
    ],
    [
      'an image size too large',
      JSON.stringify({
        data: 'x',
        sampleShape: [2],
        classes: 2,
        pictures: { imageSize: 5000, grayscale: false, valSplit: 0.2, skipBad: false },
      }),
      /pictures must hold imageSize \(1 to 4096\)/,
    ],
  ])('parseModelDataInfo refuses %s', (_name, text, message) => {
    expect(() => parseModelDataInfo(text)).toThrow(message);
  });

  it('maxSampleElements raises or lowers the sample limit', () => {
    const text = JSON.stringify({ data: 'x', sampleShape: [3, 32, 32], classes: 2 });
    expect(() => parseModelDataInfo(text, { maxSampleElements: 1000 })).toThrow(
      /3072 values per sample, over the limit of 1000/,
    );
    expect(parseModelDataInfo(text).sampleShape).toEqual([3, 32, 32]);
    expect(MODEL_DATA_KEY).toBe('backprop_cli.data');
  });
});
