// The Optimizer base, through its subclasses: parameter checks, zeroGrad, skipped parameters,
// in-place updates of shared buffers, learningRate, and state dicts that resume exactly.
import { describe, expect, it } from 'vitest';
import { Generator } from '../random/generator.js';
import { Tensor } from '../tensor/tensor.js';
import { Adam, AdamW } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

/** Two parameters of different shapes with seeded values. */
function makeParams(seed = 1): Tensor[] {
  const generator = new Generator(seed);
  return [[2, 3], [3]].map((shape) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = generator.uniform(-1, 1);
    return new Tensor(data, shape, true);
  });
}

/** Seeded gradients for step `step`, the same for every run. */
function setGradients(params: Tensor[], step: number): void {
  const generator = new Generator(100 + step);
  for (const param of params) {
    const data = new Float32Array(param.size);
    for (let i = 0; i < data.length; i++) data[i] = generator.uniform(-2, 2);
    param.grad = new Tensor(data, param.shape);
  }
}

const variants: Array<[string, (params: Tensor[]) => Optimizer]> = [
  [
    'SGD with nesterov momentum',
    (params) => new SGD(params, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
  ],
  ['Adam with amsgrad', (params) => new Adam(params, { lr: 0.05, amsgrad: true, weightDecay: 0.1 })],
  ['AdamW', (params) => new AdamW(params, { lr: 0.05 })],
  ['RMSprop centered with momentum', (params) => new RMSprop(params, { lr: 0.01, momentum: 0.5, centered: true })],
];

describe('Optimizer state dicts', () => {
  for (const [label, make] of variants) {
    it(`${label}: save after 2 steps, load into a fresh optimizer, both continue identically`, () => {
      const original = makeParams();
      const optimizer = make(original);
      for (let step = 0; step < 2; step++) {
        setGradients(original, step);
        optimizer.step();
      }
      const saved = optimizer.stateDict();
      const copies = original.map((param) => new Tensor(param.data.slice(), param.shape, true));
      const resumed = make(copies);
      resumed.learningRate = 123; // overwritten by the loaded hyperparameters
      resumed.loadStateDict(saved);
      expect(resumed.hyperparameters).toEqual(optimizer.hyperparameters);
      for (let step = 2; step < 5; step++) {
        setGradients(original, step);
        setGradients(copies, step);
        optimizer.step();
        resumed.step();
      }
      copies.forEach((copy, i) => expect(Array.from(copy.data)).toEqual(Array.from(original[i]!.data)));
    });
  }

  it("uses PyTorch's layout: state by parameter index, one group listing the indices", () => {
    const params = makeParams();
    const optimizer = new Adam(params, { lr: 0.01 });
    expect(optimizer.stateDict()).toEqual({
      state: {},
      paramGroups: [{ lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, params: [0, 1] }],
    });
    setGradients(params, 0);
    params[0]!.grad = null; // skipped: gets no state
    optimizer.step();
    const { state } = optimizer.stateDict();
    expect(Object.keys(state)).toEqual(['1']);
    expect(state[1]!.step).toBe(1);
    expect((state[1]!.expAvg as Tensor).shape).toEqual([3]);
    expect(Object.keys(state[1]!).sort()).toEqual(['expAvg', 'expAvgSq', 'step']);
  });

  it('a state dict is a snapshot: later steps do not change it, and loading copies it', () => {
    const params = makeParams();
    const optimizer = new SGD(params, { lr: 0.1, momentum: 0.9 });
    setGradients(params, 0);
    optimizer.step();
    const saved = optimizer.stateDict();
    const before = Array.from((saved.state[0]!.momentumBuffer as Tensor).data);
    setGradients(params, 1);
    optimizer.step();
    expect(Array.from((saved.state[0]!.momentumBuffer as Tensor).data)).toEqual(before);
    optimizer.loadStateDict(saved);
    optimizer.step();
    expect(Array.from((saved.state[0]!.momentumBuffer as Tensor).data)).toEqual(before);
  });

  it('rejects a state that does not fit, naming the parameter and the fix, and changes nothing', () => {
    const optimizer = new Adam(makeParams(), { lr: 0.01 });
    const source = new Adam(makeParams(), { lr: 0.5 });
    setGradients([...source.params], 0);
    source.step();
    const saved = source.stateDict();

    const fewer = new Adam([makeParams()[0]!]);
    expect(() => fewer.loadStateDict(saved)).toThrow(
      'Adam.loadStateDict: the state holds 2 parameters, this optimizer 1; build the optimizer over the same parameters, in the same order (model.parameters())',
    );
    const swapped = new Adam([...makeParams()].reverse());
    expect(() => swapped.loadStateDict(saved)).toThrow(
      "Adam.loadStateDict: state 'expAvg' of parameter 0 has shape [2,3] but the parameter has shape [3]; build the optimizer over the same parameters, in the same order",
    );
    expect(() => new SGD(makeParams()).loadStateDict(saved as never)).toThrow(
      "SGD.loadStateDict: the parameter group lacks 'momentum'",
    );
    const renamed = { ...saved, state: { 0: { ...saved.state[0], exp_avg: saved.state[0]!.expAvg } } };
    expect(() => optimizer.loadStateDict(renamed)).toThrow(
      "Adam.loadStateDict: state of parameter 0 has an unknown entry 'exp_avg' (expected step, expAvg, expAvgSq)",
    );
    const amsgrad = { ...saved, paramGroups: [{ ...saved.paramGroups[0]!, amsgrad: true }] };
    expect(() => optimizer.loadStateDict(amsgrad)).toThrow(
      "Adam.loadStateDict: state of parameter 0 lacks 'maxExpAvgSq'",
    );
    const snake = { ...saved, paramGroups: [{ ...saved.paramGroups[0]!, weight_decay: 0 }] };
    expect(() => optimizer.loadStateDict(snake)).toThrow(
      "Adam.loadStateDict: unknown hyperparameter 'weight_decay' (expected lr, betas, eps, weightDecay, amsgrad)",
    );
    const badLr = { ...saved, paramGroups: [{ ...saved.paramGroups[0]!, lr: -1 }] };
    expect(() => optimizer.loadStateDict(badLr)).toThrow('Adam: invalid learning rate: -1 (expected ≥ 0)');
    expect(() => optimizer.loadStateDict({ ...saved, state: { 5: saved.state[0]! } })).toThrow(
      'Adam.loadStateDict: state for parameter 5, but this optimizer has parameters 0..1',
    );
    expect(optimizer.learningRate).toBe(0.01);
    expect(optimizer.stateDict().state).toEqual({});
  });
});

describe('Optimizer basics', () => {
  it('zeroGrad sets every grad to null', () => {
    const params = makeParams();
    setGradients(params, 0);
    new SGD(params).zeroGrad();
    expect(params.map((param) => param.grad)).toEqual([null, null]);
  });

  it('skips parameters without a gradient', () => {
    const params = makeParams();
    const before = Array.from(params[1]!.data);
    setGradients(params, 0);
    params[1]!.grad = null;
    for (const [, make] of variants) make(params).step();
    expect(Array.from(params[1]!.data)).toEqual(before);
  });

  it('updates parameters in place, through views of a SharedArrayBuffer', () => {
    const shared = new Float32Array(new SharedArrayBuffer(4 * 8));
    shared.set([9, 1, 2, 3, 4, 5, 6, 9]);
    const params = [new Tensor(shared.subarray(1, 4), [3], true), new Tensor(shared.subarray(4, 7), [3], true)];
    const views = params.map((param) => param.data);
    for (const param of params) param.grad = new Tensor(Float32Array.of(1, 1, 1), [3]);
    for (const [, make] of variants) make(params).step();
    expect(params.map((param) => param.data)).toEqual(views);
    expect(params[0]!.data).toBe(views[0]);
    expect(shared[0]).toBe(9);
    expect(shared[7]).toBe(9);
    expect(Array.from(shared.subarray(1, 7))).toEqual(Array.from(params[0]!.data).concat(Array.from(params[1]!.data)));
    expect(shared[1]).toBeLessThan(1);
  });

  it('learningRate reads and sets lr, validated', () => {
    const optimizer = new SGD(makeParams(), { lr: 0.1 });
    expect(optimizer.learningRate).toBe(0.1);
    optimizer.learningRate = 0.05;
    expect(optimizer.hyperparameters.lr).toBe(0.05);
    expect(() => (optimizer.learningRate = -1)).toThrow('SGD: invalid learning rate: -1 (expected ≥ 0)');
    expect(optimizer.learningRate).toBe(0.05);
    optimizer.setHyperparameters({ momentum: 0.9 });
    expect(optimizer.hyperparameters.momentum).toBe(0.9);
  });

  it('rejects parameter lists it cannot optimize', () => {
    const [a] = makeParams();
    expect(() => new SGD([])).toThrow(
      'SGD: got an empty parameter list; pass model.parameters() of a model that has some',
    );
    expect(() => new Adam([a!, a!])).toThrow(
      'Adam: parameter 1 is the same tensor as parameter 0; pass each parameter once',
    );
    expect(() => new Adam([a!.mul(2)])).toThrow(
      'Adam: parameter 0 [2,3] is not a leaf tensor; optimize x.detach() with requiresGrad = true',
    );
    expect(() => new RMSprop([Float32Array.of(1) as never])).toThrow(
      'RMSprop: parameter 0 is not a Tensor; pass model.parameters()',
    );
    expect(() => new SGD({} as never)).toThrow('SGD: params must be an iterable of tensors; pass model.parameters()');
  });

  it('accepts any iterable of tensors', () => {
    const params = makeParams();
    const optimizer = new SGD(new Set(params));
    expect(optimizer.params).toEqual(params);
  });
});

describe('Optimizer steps split into ranges (prepareStep + updateValues) and placed state', () => {
  /** Runs `steps` steps where each parameter is updated in two ranges cut at `cut` values. */
  function splitSteps(optimizer: Optimizer, params: Tensor[], steps: number, cut: number): void {
    for (let step = 0; step < steps; step++) {
      setGradients(params, step);
      for (const { index, buffers, ...context } of optimizer.prepareStep()) {
        const [values, gradient] = [params[index]!.data, params[index]!.grad!.data];
        const at = Math.min(cut, values.length);
        optimizer.updateValues(
          values.subarray(0, at),
          gradient.subarray(0, at),
          buffers.map((b) => b.subarray(0, at)),
          context,
        );
        optimizer.updateValues(
          values.subarray(at),
          gradient.subarray(at),
          buffers.map((b) => b.subarray(at)),
          context,
        );
      }
    }
  }

  for (const [label, make] of variants) {
    it(`${label}: three steps in ranges give the same bits as step(), and the same state`, () => {
      const whole = makeParams();
      const split = makeParams();
      const reference = make(whole);
      const ranged = make(split);
      for (let step = 0; step < 3; step++) {
        setGradients(whole, step);
        reference.step();
      }
      splitSteps(ranged, split, 3, 2);
      split.forEach((param, i) => expect(Array.from(param.data)).toEqual(Array.from(whole[i]!.data)));
      expect(ranged.stateDict()).toEqual(reference.stateDict());
    });

    it(`${label}: with placed state, steps update the storage in place and equal an unplaced optimizer`, () => {
      const placedParams = makeParams();
      const plainParams = makeParams();
      const placed = make(placedParams);
      const plain = make(plainParams);
      setGradients(placedParams, 0);
      setGradients(plainParams, 0);
      placed.step(); // state that exists before placeState is moved into the storage
      plain.step();
      const storage = new Map<string, Float32Array>();
      const sizes = placedParams.map((param) => param.size);
      placed.placeState((index, key) => {
        const name = `${index}/${key}`;
        if (!storage.has(name)) storage.set(name, new Float32Array(sizes[index]!).fill(Number.NaN));
        return storage.get(name)!;
      });
      for (let step = 1; step < 3; step++) {
        setGradients(placedParams, step);
        setGradients(plainParams, step);
        placed.step();
        plain.step();
      }
      placedParams.forEach((param, i) => expect(Array.from(param.data)).toEqual(Array.from(plainParams[i]!.data)));
      const { state } = placed.stateDict();
      expect(placed.stateDict()).toEqual(plain.stateDict());
      for (const [index, entry] of Object.entries(state)) {
        for (const key of placed.bufferKeys)
          expect(Array.from(storage.get(`${index}/${key}`)!)).toEqual(Array.from((entry[key] as Tensor).data));
      }
    });
  }

  it('loadStateDict copies into placed storage; new buffers there start at zero', () => {
    const params = makeParams();
    const source = new Adam(makeParams(), { lr: 0.1 });
    setGradients(source.params as Tensor[], 0);
    source.step();
    const expAvg = new Float32Array(6).fill(7);
    const optimizer = new Adam(params, { lr: 0.1 });
    optimizer.placeState((index, key) =>
      index === 0 && key === 'expAvg' ? expAvg : new Float32Array(params[index]!.size),
    );
    optimizer.loadStateDict(source.stateDict());
    expect(Array.from(expAvg)).toEqual(Array.from((source.stateDict().state[0]!.expAvg as Tensor).data));
    optimizer.loadStateDict({ state: {}, paramGroups: source.stateDict().paramGroups });
    setGradients(params, 1);
    optimizer.prepareStep();
    expect(Array.from(expAvg)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('prepareStep counts steps (Adam, RMSprop), marks fresh buffers, and skips parameters without gradients', () => {
    const params = makeParams();
    const adam = new Adam(params, { amsgrad: true });
    setGradients(params, 0);
    params[0]!.grad = null;
    const [first] = adam.prepareStep();
    expect(first).toMatchObject({ index: 1, step: 1, fresh: true });
    expect(first!.buffers.map((b) => b.length)).toEqual([3, 3, 3]);
    expect(adam.bufferKeys).toEqual(['expAvg', 'expAvgSq', 'maxExpAvgSq']);
    expect(adam.prepareStep()[0]).toMatchObject({ index: 1, step: 2, fresh: false });
    const sgd = new SGD(params, { momentum: 0.9 });
    expect(sgd.prepareStep()[0]).toMatchObject({ index: 1, step: 0, fresh: true });
    expect(new SGD(params).bufferKeys).toEqual([]);
  });

  it('placeState refuses storage of the wrong size, naming the parameter and state', () => {
    const params = makeParams();
    const optimizer = new Adam(params);
    optimizer.placeState(() => new Float32Array(2));
    setGradients(params, 0);
    expect(() => optimizer.step()).toThrow(
      "Adam: the placed storage gave no Float32Array of 6 values for state 'expAvg' of parameter 0",
    );
    expect(() => optimizer.placeState(null as never)).toThrow(
      'Adam.placeState: storage must be a function (index, key) => Float32Array',
    );
  });
});

describe('placed state and failures', () => {
  it('loadStateDict into placed storage checks every target before writing any', () => {
    const params = makeParams();
    const source = new Adam(makeParams(), { amsgrad: true });
    setGradients(source.params as Tensor[], 0);
    source.step();
    const optimizer = new Adam(params, { amsgrad: true });
    const live = new Map<string, Float32Array>();
    optimizer.placeState((index, key) => {
      if (key === 'maxExpAvgSq' && index === 1) return new Float32Array(1); // a broken storage
      const name = `${index}/${key}`;
      if (!live.has(name)) live.set(name, new Float32Array(params[index]!.size).fill(0.25));
      return live.get(name)!;
    });
    expect(() => optimizer.loadStateDict(source.stateDict())).toThrow(
      "Adam: the placed storage gave no Float32Array of 3 values for state 'maxExpAvgSq' of parameter 1",
    );
    for (const buffer of live.values()) expect(Array.from(buffer).every((value) => value === 0.25)).toBe(true);
    expect(optimizer.stateDict().state).toEqual({});
  });
});
