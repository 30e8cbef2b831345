// encodeCheckpoint / decodeCheckpoint: exact round trips, the PyTorch view of the file, a resumed
// Adam run that matches an uninterrupted one bit for bit, and every error.
import { describe, expect, it } from 'vitest';
import { buildModel } from '../nn/spec.js';
import { Adam, type AdamOptions } from '../optim/adam.js';
import type { OptimizerStateDict } from '../optim/optimizer-state-dict.js';
import { Generator } from '../random/generator.js';
import { randn } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { CHECKPOINT_FORMAT_VERSION, decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint.js';
import { loadSafetensors } from './safetensors-read.js';
import { saveSafetensors } from './safetensors-write.js';

const f32 = (values: number[], shape: number[]) => new Tensor(Float32Array.from(values), shape);
const bitsOf = (t: Tensor) => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.size));

/** Compares structure with toEqual and every tensor bit for bit. */
function expectSame(actual: unknown, expected: unknown): void {
  expect(actual).toEqual(expected);
  const walk = (a: unknown, b: unknown): void => {
    if (b instanceof Tensor) {
      expect((a as Tensor).shape).toEqual(b.shape);
      expect(bitsOf(a as Tensor)).toEqual(bitsOf(b));
    } else if (typeof b === 'object' && b !== null) {
      for (const key of Object.keys(b)) walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]);
    }
  };
  walk(actual, expected);
}

function fullCheckpoint(): Checkpoint {
  const generator = new Generator(3);
  generator.normal(); // leaves a cached Box–Muller value in the state
  return {
    model: {
      'layers.0.weight': f32([1, NaN, -0, 2 ** -149, 3, 4], [3, 2]),
      'layers.0.bias': f32([0.5, -1, 7], [3]),
      'layers.2.scale': f32([9], []),
    },
    optimizer: {
      state: {
        0: {
          step: 12,
          exp_avg: f32([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [3, 2]),
          exp_avg_sq: f32([1, 2, 3, 4, 5, 6], [3, 2]),
        },
        2: { step: 11, 'momentum.buffer': f32([1e-30], []), lr_scale: 0.1 + 0.2 },
      },
      paramGroups: [{ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, params: [0, 1, 2] }],
    },
    spec: { type: 'sequential', layers: [{ type: 'linear', in: 2, out: 3 }, { type: 'relu' }] },
    training: {
      step: 12,
      epoch: 2,
      rng: generator.getState(),
      hyperparameters: { batchSize: 64, schedule: { warmup: 100, kind: 'cosine' }, seed: 3 },
    },
    metadata: { format: 'pt' },
  };
}

describe('encodeCheckpoint / decodeCheckpoint', () => {
  it('round-trips weights, optimizer tensors and scalars, spec, training state and RNG exactly', () => {
    const checkpoint = fullCheckpoint();
    const decoded = decodeCheckpoint(encodeCheckpoint(checkpoint), { require: ['optimizer', 'spec', 'training'] });
    expectSame(decoded, checkpoint);
    expect(decoded.training!.rng!.cachedNormal).not.toBeNull();
    const a = new Generator();
    a.setState(decoded.training!.rng!);
    const b = new Generator();
    b.setState(checkpoint.training!.rng!);
    expect([a.normal(), a.nextUint32()]).toEqual([b.normal(), b.nextUint32()]);
  });

  it('round-trips a weights-only checkpoint to exactly { model }', () => {
    const decoded = decodeCheckpoint(encodeCheckpoint({ model: { w: f32([1, 2], [2]) } }));
    expect(Object.keys(decoded)).toEqual(['model']);
    expectSame(decoded, { model: { w: f32([1, 2], [2]) } });
    expect(decodeCheckpoint(encodeCheckpoint({ model: {} }))).toEqual({ model: {} });
  });

  it('is a plain safetensors file to PyTorch: weights under their names, the rest under optimizer. and __metadata__', () => {
    const bytes = encodeCheckpoint(fullCheckpoint());
    const { tensors, metadata } = loadSafetensors(bytes); // what safetensors.torch.load_file sees
    expect(Object.keys(tensors)).toEqual([
      'layers.0.bias',
      'layers.0.weight',
      'layers.2.scale',
      'optimizer.state.0.exp_avg',
      'optimizer.state.0.exp_avg_sq',
      'optimizer.state.2.momentum.buffer',
    ]);
    expect(Object.keys(tensors).filter((name) => !name.startsWith('optimizer.'))).toEqual([
      'layers.0.bias',
      'layers.0.weight',
      'layers.2.scale',
    ]);
    expect(Object.keys(metadata).sort()).toEqual([
      'backprop.format',
      'backprop.optimizer',
      'backprop.spec',
      'backprop.training',
      'format',
    ]);
    expect(metadata['backprop.format']).toBe(String(CHECKPOINT_FORMAT_VERSION));
    expect(JSON.parse(metadata['backprop.optimizer']!).scalars).toEqual({
      0: { step: 12 },
      2: { step: 11, lr_scale: 0.30000000000000004 },
    });
    expect(JSON.parse(metadata['backprop.spec']!)).toEqual(fullCheckpoint().spec);
    expect(metadata.format).toBe('pt');
  });

  it('resumes an Adam run with dropout bit-identically to an uninterrupted one', () => {
    const spec = {
      type: 'sequential',
      layers: [
        { type: 'linear', in: 3, out: 6 },
        { type: 'dropout', p: 0.25 },
        { type: 'relu' },
        { type: 'linear', in: 6, out: 1 },
      ],
    };
    const train = (model: ReturnType<typeof buildModel>, optimizer: Adam, generator: Generator, steps: number) => {
      for (let step = 0; step < steps; step++) {
        const x = randn([8, 3], { generator });
        const y = randn([8, 1], { generator });
        optimizer.zeroGrad();
        model.forward(x).sub(y).square().mean().backward();
        optimizer.step();
      }
    };
    const start = () => {
      const generator = new Generator(42);
      const model = buildModel(spec, { generator });
      return { generator, model, optimizer: new Adam(model.parameters(), { lr: 0.01 }) };
    };

    const straight = start();
    train(straight.model, straight.optimizer, straight.generator, 6);

    const first = start();
    train(first.model, first.optimizer, first.generator, 3);
    const bytes = encodeCheckpoint({
      model: first.model.stateDict(),
      optimizer: first.optimizer.stateDict(),
      spec: first.model.toSpec(),
      training: { step: 3, rng: first.generator.getState() },
    });

    const saved = decodeCheckpoint(bytes, { require: ['optimizer', 'training', 'spec'] });
    const generator = new Generator(999); // deliberately different: everything comes from the checkpoint
    const model = buildModel(saved.spec, { generator });
    model.loadStateDict(saved.model);
    const optimizer = new Adam(model.parameters(), { lr: 0.5 });
    optimizer.loadStateDict(saved.optimizer as OptimizerStateDict<AdamOptions>);
    generator.setState(saved.training!.rng!);
    train(model, optimizer, generator, 3);

    const expected = straight.model.namedParameters();
    const actual = model.namedParameters();
    expect(actual.map(([name]) => name)).toEqual(expected.map(([name]) => name));
    actual.forEach(([, param], index) => expect(bitsOf(param)).toEqual(bitsOf(expected[index]![1])));
  });

  it('reads a plain safetensors file as weights only, and names what is missing when more is required', () => {
    const plain = saveSafetensors({ 'fc.weight': f32([1, 2], [1, 2]), 'optimizer.lr': f32([1], []) }, { format: 'pt' });
    const decoded = decodeCheckpoint(plain);
    expect(Object.keys(decoded.model)).toEqual(['fc.weight', 'optimizer.lr']);
    expect(decoded.metadata).toEqual({ format: 'pt' });
    expect(decoded.optimizer).toBeUndefined();
    expect(() => decodeCheckpoint(plain, { require: ['optimizer'] })).toThrow(
      "decodeCheckpoint: the file has no optimizer: it is a plain safetensors file without Backprop metadata ('backprop.format')",
    );
    const weightsOnly = encodeCheckpoint({ model: { w: f32([1], [1]) }, training: { step: 1 } });
    expect(() => decodeCheckpoint(weightsOnly, { require: ['training', 'optimizer'] })).toThrow(
      'decodeCheckpoint: the checkpoint has no optimizer (it was saved without one)',
    );
  });
});

describe('encodeCheckpoint: errors', () => {
  const model = { w: f32([1], [1]) };

  it('refuses names, values and metadata it could not give back exactly', () => {
    expect(() => encodeCheckpoint({ model: { 'optimizer.x': f32([1], [1]) } })).toThrow(
      "encodeCheckpoint: model tensor 'optimizer.x': names starting with 'optimizer.' are reserved for optimizer state",
    );
    expect(() => encodeCheckpoint({ model: { w: [1] as unknown as Tensor } })).toThrow("model['w'] is not a Tensor");
    expect(() => encodeCheckpoint(undefined as unknown as Checkpoint)).toThrow(
      'expected { model: Record<string, Tensor>',
    );
    expect(() => encodeCheckpoint({ model, metadata: { 'backprop.spec': '{}' } })).toThrow(
      "metadata key 'backprop.spec': the 'backprop.' prefix is reserved",
    );
    expect(() => encodeCheckpoint({ model, optimizer: { state: {}, paramGroups: {} as object[] } })).toThrow(
      'optimizer must be { state, paramGroups: object[] }',
    );
    expect(() => encodeCheckpoint({ model, optimizer: { state: { x: {} } as never, paramGroups: [] } })).toThrow(
      "optimizer.state key 'x' must be a parameter index",
    );
    expect(() => encodeCheckpoint({ model, optimizer: { state: { 0: { step: Infinity } }, paramGroups: [] } })).toThrow(
      'optimizer.state[0].step must be a Tensor or a finite number, got Infinity',
    );
    expect(() =>
      encodeCheckpoint({ model, optimizer: { state: { 0: { flag: true as never } }, paramGroups: [] } }),
    ).toThrow('optimizer.state[0].flag must be a Tensor or a finite number');
    expect(() => encodeCheckpoint({ model, optimizer: { state: {}, paramGroups: [{ lr: NaN }] } })).toThrow(
      'optimizer.paramGroups[0].lr is NaN, which JSON cannot hold',
    );
    expect(() => encodeCheckpoint({ model, spec: { weights: f32([1], [1]) } })).toThrow(
      'spec.weights is a Tensor; only plain JSON values can be stored',
    );
    expect(() => encodeCheckpoint({ model, spec: [1, undefined] })).toThrow('spec[1] is undefined');
    expect(() => encodeCheckpoint({ model, spec: { f: () => 1 } })).toThrow('spec.f is a function');
    expect(() => encodeCheckpoint({ model, training: { step: 1.5 } })).toThrow(
      'training.step must be a non-negative integer, got 1.5',
    );
    expect(() => encodeCheckpoint({ model, training: { epoch: -1 } })).toThrow(
      'training.epoch must be a non-negative integer',
    );
    expect(() => encodeCheckpoint({ model, training: { rng: { algorithm: 'mt19937' } as never } })).toThrow(
      'training.rng is not a GeneratorState: setState: expected',
    );
    expect(() => encodeCheckpoint({ model, training: { hyperparameters: [] as never } })).toThrow(
      'training.hyperparameters must be an object',
    );
    expect(() => encodeCheckpoint({ model, training: { hyperparameters: { lr: Infinity } } })).toThrow(
      'training.hyperparameters.lr is Infinity',
    );
  });
});

describe('decodeCheckpoint: errors', () => {
  const w = f32([1], [1]);
  const withMetadata = (metadata: Record<string, string>, tensors: Record<string, Tensor> = { w }) =>
    saveSafetensors(tensors, metadata);

  it('names damaged or foreign Backprop metadata', () => {
    expect(() => decodeCheckpoint(withMetadata({ 'backprop.format': '2' }))).toThrow(
      'decodeCheckpoint: checkpoint format 2 is newer than this @backprop/core reads (1); upgrade @backprop/core',
    );
    expect(() => decodeCheckpoint(withMetadata({ 'backprop.format': 'v1' }))).toThrow('unknown checkpoint format "v1"');
    expect(() => decodeCheckpoint(withMetadata({ 'backprop.spec': '{}' }))).toThrow(
      "metadata has 'backprop.spec' but no 'backprop.format'",
    );
    expect(() => decodeCheckpoint(withMetadata({ 'backprop.format': '1', 'backprop.spec': '{oops' }))).toThrow(
      /metadata 'backprop.spec' is not valid JSON \(.+\)/,
    );
    expect(() => decodeCheckpoint(withMetadata({ 'backprop.format': '1', 'backprop.training': '[1]' }))).toThrow(
      "'backprop.training' must hold a JSON object",
    );
    expect(() =>
      decodeCheckpoint(withMetadata({ 'backprop.format': '1', 'backprop.training': '{"step":-4}' })),
    ).toThrow("'backprop.training': training.step must be a non-negative integer, got -4");
    expect(() => decodeCheckpoint(withMetadata({ 'backprop.format': '1' }, { w, 'optimizer.state.0.m': w }))).toThrow(
      "the file has optimizer tensors ('optimizer.state.0.m') but no 'backprop.optimizer' metadata",
    );
    const optimizer = (json: string, tensors: Record<string, Tensor> = { w }) =>
      withMetadata({ 'backprop.format': '1', 'backprop.optimizer': json }, tensors);
    expect(() =>
      decodeCheckpoint(optimizer('{"paramGroups":[],"scalars":{}}', { w, 'optimizer.state.x.m': w })),
    ).toThrow("tensor 'optimizer.state.x.m' is not of the form optimizer.state.<paramIndex>.<key>");
    expect(() => decodeCheckpoint(optimizer('{"scalars":{}}'))).toThrow(
      "'backprop.optimizer': paramGroups must be an array",
    );
    expect(() => decodeCheckpoint(optimizer('{"paramGroups":[],"scalars":{"0":{"step":"3"}}}'))).toThrow(
      "scalars['0'].step must be a number",
    );
    expect(() =>
      decodeCheckpoint(optimizer('{"paramGroups":[],"scalars":{"0":{"m":1}}}', { w, 'optimizer.state.0.m': w })),
    ).toThrow('optimizer state 0.m is stored both as a tensor and as a number');
    expect(() => decodeCheckpoint(new Uint8Array(3))).toThrow('loadSafetensors: file is 3 bytes');
  });
});
