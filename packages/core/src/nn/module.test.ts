// Modules: names and order of parameters, state dicts, modes, specs.
import { describe, expect, it } from 'vitest';
import { Generator, ones, randn, tensor, type Tensor } from '../index.js';
import { Module } from './module.js';
import { BatchNorm1d } from './normalization.js';
import { Conv2d } from './conv2d.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { ReLU, Flatten } from './activations.js';
import { MaxPool2d } from './pooling.js';
import { Sequential } from './sequential.js';
import { buildModel } from './spec.js';

const mlp = (seed = 0) => {
  const generator = new Generator(seed);
  return new Sequential(new Linear(4, 3, { generator }), new ReLU(), new Linear(3, 2, { generator }));
};

describe('Module', () => {
  it('names parameters PyTorch-style, in registration order', () => {
    const model = new Sequential(
      new Conv2d(1, 2, 3),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(2, 5, { bias: false }),
      new BatchNorm1d(5),
    );
    expect(model.namedParameters().map(([name, p]) => `${name}${JSON.stringify(p.shape)}`)).toEqual([
      'layers.0.weight[2,1,3,3]',
      'layers.0.bias[2]',
      'layers.4.weight[5,2]',
      'layers.5.weight[5]',
      'layers.5.bias[5]',
    ]);
    expect(model.namedBuffers().map(([name]) => name)).toEqual([
      'layers.5.running_mean',
      'layers.5.running_var',
      'layers.5.num_batches_tracked',
    ]);
    expect(model.parameters().every((p) => p.requiresGrad)).toBe(true);
  });

  it('modules() lists the module and every descendant, depth-first in registration order', () => {
    const inner = new Sequential(new Linear(2, 2), new Dropout(0.5));
    const model = new Sequential(new Linear(4, 2), inner, new ReLU());
    const modules = model.modules();
    // Sequential keeps its layers in a ModuleList (hence the names layers.0.weight, …).
    expect(modules.map((m) => m.constructor.name)).toEqual([
      'Sequential',
      'ModuleList',
      'Linear',
      'Sequential',
      'ModuleList',
      'Linear',
      'Dropout',
      'ReLU',
    ]);
    expect(modules[0]).toBe(model);
    expect(modules[3]).toBe(inner);
    expect(new ReLU().modules()).toHaveLength(1);
  });

  it('train()/eval() reach every descendant; zeroGrad clears every gradient', () => {
    const model = mlp();
    model.eval();
    expect(model.layers.items.every((layer) => !layer.training)).toBe(true);
    model.train();
    expect(model.layers.items[2]!.training).toBe(true);
    model
      .forward(ones([1, 4]))
      .sum()
      .backward();
    expect(model.parameters().every((p) => p.grad !== null)).toBe(true);
    model.zeroGrad();
    expect(model.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('stateDict round-trips into another model, in place', () => {
    const source = mlp(1);
    const target = mlp(2);
    const weightBefore = target.parameters()[0]!;
    const x = randn([5, 4], { generator: new Generator(3) });
    expect(target.forward(x).toArray()).not.toEqual(source.forward(x).toArray());
    target.loadStateDict(source.stateDict());
    expect(target.forward(x).toArray()).toEqual(source.forward(x).toArray());
    expect(target.parameters()[0]).toBe(weightBefore);
  });

  it('a mismatched state lists missing, unexpected and wrongly shaped keys, and changes nothing', () => {
    const model = mlp(1);
    const before = model.parameters().map((p) => Array.from(p.data));
    const state = mlp(2).stateDict();
    delete state['layers.2.bias'];
    state['layers.9.weight'] = ones([1]);
    state['layers.0.weight'] = ones([4, 3]);
    expect(() => model.loadStateDict(state)).toThrow(
      'loadStateDict: the state does not fit this model — missing keys: layers.2.bias; unexpected keys: layers.9.weight; wrong shapes: layers.0.weight: expected [3,4], got [4,3]',
    );
    expect(model.parameters().map((p) => Array.from(p.data))).toEqual(before);
    const partial = mlp(2).stateDict();
    delete partial['layers.2.bias'];
    expect(model.loadStateDict(partial, { strict: false })).toEqual({
      missingKeys: ['layers.2.bias'],
      unexpectedKeys: [],
    });
  });
});

describe('layers', () => {
  it('Linear computes x·Wᵀ + b and starts like PyTorch: U(−1/√in, 1/√in)', () => {
    const layer = new Linear(400, 3, { generator: new Generator(5) });
    const bound = 1 / Math.sqrt(400);
    expect(layer.weight.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(layer.weight.abs().max().item()).toBeGreaterThan(0.9 * bound);
    expect(layer.bias!.abs().max().item()).toBeLessThanOrEqual(bound);
    const small = new Linear(2, 2);
    small.weight.data.set([1, 2, 3, 4]);
    small.bias!.data.set([10, 20]);
    expect(small.forward(tensor([[1, 1]])).toArray()).toEqual([[13, 27]]);
  });

  it('Linear and Conv2d name a bad size', () => {
    expect(() => new Linear(0, 3)).toThrow('Linear: inFeatures must be a positive integer, got 0');
    expect(() => new Conv2d(1, 2, [3, 0])).toThrow('Conv2d: kernelSize must be a positive integer, got 0');
  });

  it('the same generator seed gives the same initial weights', () => {
    expect(mlp(7).parameters()[0]!.toArray()).toEqual(mlp(7).parameters()[0]!.toArray());
    expect(mlp(7).parameters()[0]!.toArray()).not.toEqual(mlp(8).parameters()[0]!.toArray());
  });

  it('Dropout drops about p, scales the rest by 1/(1−p), is seeded, and is the identity in eval', () => {
    const drop = new Dropout(0.25, { generator: new Generator(9) });
    const out = drop.forward(ones([10_000]));
    const kept = out.gt(0).sum().item();
    expect(Math.abs(kept / 10_000 - 0.75)).toBeLessThan(0.02);
    expect(out.max().item()).toBeCloseTo(1 / 0.75, 6);
    expect(new Dropout(0.25, { generator: new Generator(9) }).forward(ones([100])).toArray()).toEqual(
      out.slice(0, 0, 100).toArray(),
    );
    drop.eval();
    expect(drop.forward(ones([3])).toArray()).toEqual([1, 1, 1]);
    expect(() => new Dropout(1.5)).toThrow('Dropout: probability p must be in [0, 1], got 1.5');
  });
});

describe('buildModel and toSpec', () => {
  it("a module of one's own has no spec by default: toSpec names its class and how to give it one", () => {
    class Affine extends Module {
      readonly scale = this.registerParameter('scale', ones([3]));
      forward(x: Tensor): Tensor {
        return x.mul(this.scale);
      }
    }
    expect(() => new Affine().toSpec()).toThrow(
      "Affine has no model spec: buildModel rebuilds only built-in layers. Override toSpec() in Affine to return a LayerSpec that rebuilds it (e.g. a 'sequential' of built-in layers), or pass code instead of a spec where one is asked for (@backprop/parallel's model module)",
    );
    expect(() => new Sequential(new Linear(2, 2), new Affine()).toSpec()).toThrow('Affine has no model spec');
  });

  const spec = {
    type: 'sequential',
    layers: [
      { type: 'conv2d', in: 1, out: 4, kernel: 3, padding: 1 },
      { type: 'relu' },
      { type: 'maxPool2d', kernel: 2 },
      { type: 'flatten' },
      { type: 'dropout', p: 0.1 },
      { type: 'linear', in: 64, out: 10 },
      { type: 'logSoftmax', axis: 1 },
    ],
  };

  it('builds a model whose spec rebuilds an identical one', () => {
    const model = buildModel(spec, { generator: new Generator(1) });
    expect(model.forward(randn([2, 1, 8, 8])).shape).toEqual([2, 10]);
    const again = buildModel(JSON.parse(JSON.stringify(model.toSpec())), { generator: new Generator(1) });
    expect(again.toSpec()).toEqual(model.toSpec());
    expect(again.namedParameters().map(([n, p]) => [n, p.toArray()])).toEqual(
      model.namedParameters().map(([n, p]) => [n, p.toArray()]),
    );
  });

  it('names the path of a bad field', () => {
    const bad = structuredClone(spec) as { layers: Array<Record<string, unknown>> };
    bad.layers[5]!.out = 'ten';
    expect(() => buildModel(bad)).toThrow('layers[5].out: expected a positive integer, got "ten"');
    expect(() => buildModel({ type: 'sequential', layers: [{ type: 'linar' }] })).toThrow(
      /^layers\[0\]\.type: expected one of sequential, linear/,
    );
    expect(() => buildModel({ type: 'sequential', layers: [{ type: 'linear', in: 2, out: 3, bais: false }] })).toThrow(
      'layers[0].bais: unknown field for type "linear" (known: type, in, out, bias)',
    );
    expect(() =>
      buildModel({ type: 'sequential', layers: [{ type: 'sequential', layers: [{ type: 'dropout', p: 2 }] }] }),
    ).toThrow('layers[0].layers[0].p: expected a probability in [0, 1], got 2');
    expect(() => buildModel(null)).toThrow('model spec: expected an object with a "type", got null');
  });
});
