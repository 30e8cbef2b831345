// The exported pure update functions (sgdUpdate, adamUpdate, adamwUpdate, rmspropUpdate): three
// updates over two ranges of a parameter give the bits of three `Optimizer.step()` calls.
import { describe, expect, it } from 'vitest';
import { Generator } from '../random/generator.js';
import { randn } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { Adam, adamUpdate, AdamW, adamwUpdate, type AdamOptions } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop, rmspropUpdate, type RMSpropOptions } from './rmsprop.js';
import { SGD, sgdUpdate, type SGDOptions } from './sgd.js';

/** 600 values: above the size where Adam's WebAssembly kernel takes over, cut at 256 (a range on each side). */
const SIZE = 600;
const CUT = 256;

function gradients(): Float32Array[] {
  const generator = new Generator(3);
  return [0, 1, 2].map(() => randn([SIZE], { generator }).data);
}

/** The parameter after three class steps. */
function viaClass(make: (param: Tensor) => Optimizer): Float32Array {
  const param = new Tensor(randn([SIZE], { generator: new Generator(1) }).data, [SIZE], true);
  const optimizer = make(param);
  for (const gradient of gradients()) {
    param.grad = new Tensor(gradient, [SIZE]);
    optimizer.step();
  }
  return param.data;
}

type RangeUpdate = (
  values: Float32Array,
  gradient: Float32Array,
  state: Record<string, Float32Array>,
  step: number,
) => void;

/** The parameter after three updates, each applied to [0, CUT) and [CUT, SIZE) separately. */
function viaFunction(keys: string[], update: RangeUpdate): Float32Array {
  const values = randn([SIZE], { generator: new Generator(1) }).data;
  const state = Object.fromEntries(keys.map((key) => [key, new Float32Array(SIZE)]));
  gradients().forEach((gradient, index) => {
    for (const [from, to] of [
      [0, CUT],
      [CUT, SIZE],
    ] as const) {
      const slice = Object.fromEntries(keys.map((key) => [key, state[key]!.subarray(from, to)]));
      update(values.subarray(from, to), gradient.subarray(from, to), slice, index + 1);
    }
  });
  return values;
}

describe('pure update functions', () => {
  it('sgdUpdate over two ranges equals SGD.step(), with and without momentum', () => {
    for (const extra of [{}, { momentum: 0.9, nesterov: true }, { momentum: 0.5, dampening: 0.1, weightDecay: 0.01 }]) {
      const options: SGDOptions = { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, ...extra };
      const expected = viaClass((param) => new SGD([param], options));
      const keys = options.momentum !== 0 ? ['momentumBuffer'] : [];
      const actual = viaFunction(keys, (values, gradient, state, step) =>
        sgdUpdate({ values, gradient, momentumBuffer: state.momentumBuffer ?? null, fresh: step === 1 }, options),
      );
      expect(actual).toEqual(expected);
    }
  });

  it('adamUpdate and adamwUpdate over two ranges equal Adam.step() and AdamW.step(), with and without AMSGrad', () => {
    for (const amsgrad of [false, true]) {
      const options: AdamOptions = { lr: 1e-2, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad };
      const keys = amsgrad ? ['expAvg', 'expAvgSq', 'maxExpAvgSq'] : ['expAvg', 'expAvgSq'];
      for (const [Class, update] of [
        [Adam, adamUpdate],
        [AdamW, adamwUpdate],
      ] as const) {
        const expected = viaClass((param) => new Class([param], options));
        const actual = viaFunction(keys, (values, gradient, state, step) =>
          update(
            {
              values,
              gradient,
              expAvg: state.expAvg!,
              expAvgSq: state.expAvgSq!,
              maxExpAvgSq: state.maxExpAvgSq ?? null,
              step,
            },
            options,
          ),
        );
        expect(actual).toEqual(expected);
      }
    }
  });

  it('rmspropUpdate over two ranges equals RMSprop.step(), centered with momentum', () => {
    const options: RMSpropOptions = {
      lr: 1e-2,
      alpha: 0.9,
      eps: 1e-8,
      weightDecay: 0.01,
      momentum: 0.5,
      centered: true,
    };
    const expected = viaClass((param) => new RMSprop([param], options));
    const actual = viaFunction(['squareAvg', 'momentumBuffer', 'gradAvg'], (values, gradient, state) =>
      rmspropUpdate(
        {
          values,
          gradient,
          squareAvg: state.squareAvg!,
          momentumBuffer: state.momentumBuffer!,
          gradAvg: state.gradAvg!,
        },
        options,
      ),
    );
    expect(actual).toEqual(expected);
  });

  it('refuses a missing state buffer the options need, naming it', () => {
    const values = new Float32Array(4);
    expect(() =>
      sgdUpdate(
        { values, gradient: values, momentumBuffer: null, fresh: true },
        { lr: 0.1, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0 },
      ),
    ).toThrow('sgdUpdate: momentum needs a momentumBuffer');
    expect(() =>
      adamUpdate(
        { values, gradient: values, expAvg: values, expAvgSq: values, maxExpAvgSq: null, step: 1 },
        { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true },
      ),
    ).toThrow('adamUpdate: amsgrad needs a maxExpAvgSq buffer');
  });
});
