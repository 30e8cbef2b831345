// Adam's two kernels: the WebAssembly f64x2 kernel (kernels/wasm/adam.ts) against the TypeScript
// loop, bit for bit, over several steps of `updateValues` — odd lengths, subarrays at odd offsets
// (as the data-parallel trainer updates shards), AMSGrad on and off, Adam's L2 penalty and AdamW's
// decoupled decay, special values in the gradient and the weights.
import { afterEach, describe, expect, it } from 'vitest';
import { seededValues } from '../../test/seeded-values.js';
import { firstBitDifference, sprinkleSpecials } from '../../test/same-bits.js';
import { kernelBackend, setKernelBackend, type KernelBackend } from '../kernels/backend.js';
import { adamUpdateWasm } from '../kernels/wasm/adam.js';
import { wasmRuntime } from '../kernels/wasm/runtime.js';
import { Tensor } from '../tensor/tensor.js';
import { Adam, AdamW, type AdamOptions } from './adam.js';

const initialBackend = kernelBackend();
afterEach(() => setKernelBackend(initialBackend));

type Variant = { name: 'Adam' | 'AdamW'; options: Partial<AdamOptions> };

function optimizerFor({ name, options }: Variant, amsgrad: boolean): Adam | AdamW {
  const params = [new Tensor(new Float32Array(1), [1], true)]; // updateValues takes the arrays it is given
  return name === 'Adam'
    ? new Adam(params, { lr: 0.01, ...options, amsgrad })
    : new AdamW(params, { lr: 0.01, ...options, amsgrad });
}

/** Values, gradient and zeroed moments: `offset` values before them that no update may touch. */
function arraysOf(length: number, offset: number, amsgrad: boolean, seed: number) {
  const total = offset + length;
  const values = seededValues(total, seed);
  values[offset + 1] = -0;
  values[offset + 2] = 1e-40;
  return {
    values,
    gradient: sprinkleSpecials(seededValues(total, seed + 1), offset + 3, 23),
    buffers: Array.from({ length: amsgrad ? 3 : 2 }, () => new Float32Array(total)),
  };
}
type Arrays = ReturnType<typeof arraysOf>;

/** `updateValues` on [from, to) of every array, at step `step`. */
function update(
  optimizer: Adam,
  { values, gradient, buffers }: Arrays,
  step: number,
  from: number,
  to = values.length,
): void {
  optimizer.updateValues(
    values.subarray(from, to),
    gradient.subarray(from, to),
    buffers.map((b) => b.subarray(from, to)),
    { step, fresh: step === 1 },
  );
}

function expectSameBits(actual: Arrays, expected: Arrays, what: string): void {
  expect(firstBitDifference(actual.values, expected.values), `${what}: values`).toBe(-1);
  actual.buffers.forEach((buffer, index) =>
    expect(firstBitDifference(buffer, expected.buffers[index]!), `${what}: buffer ${index}`).toBe(-1),
  );
}

const variants: Variant[] = [
  { name: 'Adam', options: {} },
  { name: 'Adam', options: { weightDecay: 0.1 } },
  { name: 'AdamW', options: { weightDecay: 0.01 } },
];

describe.each(variants)('$name $options: the WebAssembly kernel', (variant) => {
  it('gives the TypeScript bits over 4 steps (odd lengths, subarrays at odd offsets, amsgrad on and off)', () => {
    for (const amsgrad of [false, true]) {
      for (const [length, offset] of [
        [256, 0],
        [257, 1],
        [1001, 3],
        [4099, 5],
      ] as const) {
        const run = (backend: KernelBackend) => {
          setKernelBackend(backend);
          const optimizer = optimizerFor(variant, amsgrad);
          const arrays = arraysOf(length, offset, amsgrad, length);
          for (let step = 1; step <= 4; step++) update(optimizer, arrays, step, offset);
          return arrays;
        };
        expectSameBits(run('wasm'), run('js'), `${length} values at offset ${offset}, amsgrad ${amsgrad}`);
      }
    }
  });

  it('gives the TypeScript bits below the length where updateValues starts using it', () => {
    const rt = wasmRuntime()!;
    setKernelBackend('js');
    for (const amsgrad of [false, true]) {
      const optimizer = optimizerFor(variant, amsgrad);
      const { lr, betas, eps, weightDecay } = optimizer.hyperparameters;
      const decoupled = variant.name === 'AdamW';
      for (const length of [1, 2, 3, 5, 17, 255]) {
        const [wasm, js] = [arraysOf(length, 0, amsgrad, length), arraysOf(length, 0, amsgrad, length)];
        for (let step = 1; step <= 3; step++) {
          const [expAvg, expAvgSq, maxExpAvgSq] = wasm.buffers;
          adamUpdateWasm(
            rt,
            {
              values: wasm.values,
              gradient: wasm.gradient,
              expAvg: expAvg!,
              expAvgSq: expAvgSq!,
              maxExpAvgSq: maxExpAvgSq ?? null,
            },
            {
              beta1: betas[0],
              beta2: betas[1],
              stepSize: lr / (1 - betas[0] ** step),
              correction2Sqrt: Math.sqrt(1 - betas[1] ** step),
              eps,
              decay: decoupled ? 1 - lr * weightDecay : 1,
              weightDecay: decoupled ? 0 : weightDecay,
            },
          );
          update(optimizer, js, step, 0);
        }
        expectSameBits(wasm, js, `${length} values, amsgrad ${amsgrad}`);
      }
    }
  });
});

it('updating in ranges gives the bits of one update of the whole, on both backends', () => {
  for (const backend of ['wasm', 'js'] as const) {
    setKernelBackend(backend);
    const optimizer = optimizerFor(variants[2]!, true);
    const [whole, pieces] = [arraysOf(3001, 0, true, 9), arraysOf(3001, 0, true, 9)];
    for (let step = 1; step <= 2; step++) {
      update(optimizer, whole, step, 0);
      for (const [from, to] of [
        [0, 3],
        [3, 1000],
        [1000, 1001],
        [1001, 3001],
      ] as const)
        update(optimizer, pieces, step, from, to);
    }
    expectSameBits(pieces, whole, `${backend}, in ranges`);
  }
});
