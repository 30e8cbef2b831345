// Both kernel backends through the whole stack: finite-difference gradient checks of the primitives
// whose kernels have a WebAssembly twin (conv2d, maxPool2d, relu) on each backend, one CNN
// training step that gives the same loss and gradients on both within float32 tolerance, and
// Adam / AdamW steps that give the same bits on both.
import { afterEach, describe, expect, it } from 'vitest';
import { distinctInput, input } from './helpers.js';
import { firstBitDifference } from './same-bits.js';
import {
  Adam,
  AdamW,
  Conv2d,
  conv2d,
  crossEntropy,
  Flatten,
  gradcheck,
  kernelBackend,
  Linear,
  manualSeed,
  MaxPool2d,
  maxPool2d,
  ReLU,
  Sequential,
  setKernelBackend,
  Tensor,
  tensor,
  type KernelBackend,
} from '../src/index.js';

const initialBackend = kernelBackend();
afterEach(() => setKernelBackend(initialBackend));

describe.each<KernelBackend>(['wasm', 'js'])('on the %s kernels', (backend) => {
  it('conv2d (odd sizes, padding, stride, bias; a 25-tap and a 75-tap patch) passes gradcheck', () => {
    setKernelBackend(backend);
    gradcheck(
      (x, w, b) => conv2d(x, w, { bias: b, stride: [2, 1], padding: [1, 2] }),
      [input([3, 2, 5, 7], { seed: 1 }), input([3, 2, 3, 2], { seed: 2 }), input([3], { seed: 3 })],
    );
    gradcheck(
      (x, w) => conv2d(x, w, { padding: 2 }),
      [input([2, 1, 6, 5], { seed: 4 }), input([5, 1, 5, 5], { seed: 5 })],
    );
    gradcheck((x, w) => conv2d(x, w), [input([1, 3, 7, 6], { seed: 6 }), input([2, 3, 5, 5], { seed: 7 })]);
  });

  it('maxPool2d (four or more outputs wide, strides 1 and 2) and relu pass gradcheck', () => {
    setKernelBackend(backend);
    const image = distinctInput([2, 2, 5, 9], 64);
    gradcheck((x) => maxPool2d(x, 2), [image]);
    gradcheck((x) => maxPool2d(x, [2, 3], { stride: [1, 1] }), [image]);
    gradcheck((x) => x.relu(), [input([3, 7], { seed: 8 })]);
  });
});

describe('a CNN training step', () => {
  it('gives the same loss and gradients on both backends within float32 tolerance', () => {
    const step = (backend: KernelBackend) => {
      setKernelBackend(backend);
      manualSeed(3);
      const model = new Sequential(
        new Conv2d(1, 3, 5, { padding: 2 }),
        new ReLU(),
        new MaxPool2d(2),
        new Conv2d(3, 5, 3),
        new ReLU(),
        new MaxPool2d(2),
        new Flatten(),
        new Linear(5 * 3 * 3, 7),
      );
      const images = input([5, 1, 17, 17], { seed: 9 }).detach();
      const loss = crossEntropy(model.forward(images), tensor([0, 3, 6, 1, 2]));
      loss.backward();
      return {
        loss: loss.item(),
        gradients: model.namedParameters().map(([name, p]) => [name, p.grad!.data] as const),
      };
    };
    const js = step('js');
    const wasm = step('wasm');
    expect(wasm.loss).toBeCloseTo(js.loss, 5);
    for (const [index, [name, gradient]] of wasm.gradients.entries()) {
      const reference = js.gradients[index]![1];
      const scale = Math.max(...reference.map(Math.abs));
      for (let i = 0; i < gradient.length; i++)
        expect(Math.abs(gradient[i]! - reference[i]!), `${name}[${i}]`).toBeLessThanOrEqual(1e-4 * scale);
    }
  });
});

describe('Adam and AdamW steps', () => {
  it.each([
    ['Adam', { weightDecay: 0.1 }],
    ['Adam amsgrad', { amsgrad: true }],
    ['AdamW', {}],
    ['AdamW amsgrad', { amsgrad: true, weightDecay: 0.05 }],
  ] as const)('%s: 5 steps give the same weights and moments, bit for bit, on both backends', (name, options) => {
    const run = (backend: KernelBackend) => {
      setKernelBackend(backend);
      // shapes on both sides of the WebAssembly threshold, one of them odd
      const params = [input([37, 29], { seed: 11 }), input([29], { seed: 12 }), input([3, 5], { seed: 13 })];
      const optimizer = name.startsWith('AdamW')
        ? new AdamW(params, { lr: 0.01, ...options })
        : new Adam(params, { lr: 0.01, ...options });
      for (let step = 0; step < 5; step++) {
        params.forEach((param, index) => (param.grad = input(param.shape, { seed: 100 * step + index }).detach()));
        optimizer.step();
      }
      const state = optimizer.stateDict().state;
      return params.flatMap((param, index) => [
        param.data,
        ...Object.values(state[index]!)
          .filter((entry) => entry instanceof Tensor)
          .map((entry) => entry.data),
      ]);
    };
    const js = run('js');
    const wasm = run('wasm');
    expect(wasm).toHaveLength(js.length);
    wasm.forEach((array, index) => expect(firstBitDifference(array, js[index]!), `array ${index}`).toBe(-1));
  });
});
