// The dedicated ReLU loops against the rule they replace: max(x, 0) with NaN kept, and a gradient
// that passes only where x > 0 (zero at 0, as in PyTorch); the WebAssembly kernels against the
// TypeScript ones.
import { afterEach, describe, expect, it } from 'vitest';
import { seededValues } from '../../test/seeded-values.js';
import { kernelBackend, setKernelBackend, type KernelBackend } from './backend.js';
import { reluBackward, reluForward } from './relu.js';

const initialBackend = kernelBackend();
afterEach(() => setKernelBackend(initialBackend));

describe('relu kernels', () => {
  it.each<KernelBackend>(['wasm', 'js'])(
    '%s: forward keeps positives and NaN, zeroes the rest; backward passes g where x > 0',
    (backend) => {
      setKernelBackend(backend);
      const x = Float32Array.of(-2, -0, 0, 1e-30, 3.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
      expect(Array.from(reluForward(x))).toEqual([
        0,
        0,
        0,
        Math.fround(1e-30),
        3.5,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        0,
      ]);
      const g = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8);
      expect(Array.from(reluBackward(x, g))).toEqual([0, 0, 0, 4, 5, 0, 7, 0]);
      expect(reluForward(new Float32Array(0))).toHaveLength(0);
    },
  );

  it('WebAssembly gives the TypeScript bits at lengths that are not multiples of 4', () => {
    for (const length of [1, 3, 5, 7, 13, 1001, 4099]) {
      const x = seededValues(length, length);
      const g = seededValues(length, length + 1);
      x[length >> 1] = Number.NaN;
      x[length - 1] = -0;
      const run = (backend: KernelBackend) => {
        setKernelBackend(backend);
        return [reluForward(x), reluBackward(x, g)];
      };
      const [forwardJs, backwardJs] = run('js');
      const [forwardWasm, backwardWasm] = run('wasm');
      expect(Array.from(forwardWasm!)).toEqual(Array.from(forwardJs!)); // NaN equals NaN here, whatever its payload
      expect(new Uint32Array(backwardWasm!.buffer)).toEqual(new Uint32Array(backwardJs!.buffer));
      expect(Object.is(forwardWasm![length - 1], 0)).toBe(true); // relu(−0) = +0 on both
    }
  });
});
