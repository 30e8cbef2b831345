// The chunk-gradient reduction: its rule (float32 sums in chunk order, one division), and the
// WebAssembly kernel against the TypeScript loop, bit for bit — odd lengths, offsets and strides,
// special values, divisors that float32 holds exactly and one it does not.
import { afterEach, describe, expect, it } from 'vitest';
import { seededValues } from '../../test/seeded-values.js';
import { firstBitDifference, sprinkleSpecials } from '../../test/same-bits.js';
import { kernelBackend, setKernelBackend, type KernelBackend } from './backend.js';
import { sumChunksInto, type ChunkSumOptions } from './reduce-chunks.js';
import { sumChunksWasm } from './wasm/chunk-sum.js';
import { wasmRuntime } from './wasm/runtime.js';

const initialBackend = kernelBackend();
afterEach(() => setKernelBackend(initialBackend));

function reduceOn(backend: KernelBackend, gradients: Float32Array, options: ChunkSumOptions): Float32Array {
  setKernelBackend(backend);
  const reduced = new Float32Array(options.stride).fill(7); // values outside [start, end) stay 7
  sumChunksInto(gradients, reduced, options);
  return reduced;
}

describe('sumChunksInto', () => {
  it.each<KernelBackend>(['wasm', 'js'])('%s: sums chunks in order in float32, then divides once', (backend) => {
    const gradients = Float32Array.of(1, 2, 3, 10, 20, 30);
    expect(Array.from(reduceOn(backend, gradients, { chunks: 2, stride: 3, divisor: 2, start: 0, end: 3 }))).toEqual([
      5.5, 11, 16.5,
    ]);
    // 1 + 2⁻²⁴ rounds back to 1 in float32, so the order of the additions shows.
    const order = Float32Array.from({ length: 3 * 64 }, (_, i) => [1, 2 ** -24, 2 ** -24][Math.floor(i / 64)]!);
    const reduced = reduceOn(backend, order, { chunks: 3, stride: 64, divisor: 1, start: 0, end: 64 });
    expect(reduced[63]).toBe(1);
  });

  it('WebAssembly gives the TypeScript bits: odd lengths, offsets and strides, 1–5 chunks, special values', () => {
    for (const [count, start, extra, chunks, divisor] of [
      [64, 0, 0, 1, 1],
      [65, 1, 3, 2, 3],
      [127, 5, 1, 3, 7],
      [1001, 3, 2, 4, 64],
      [4099, 7, 5, 5, 100],
      [50_001, 1, 9, 4, 2 ** 24 - 1],
    ] as const) {
      const stride = start + count + extra;
      const gradients = sprinkleSpecials(seededValues(chunks * stride, count), start + 2, 17);
      for (let i = 5; i < gradients.length; i += 29) gradients[i] = gradients[i]! * 1e-38; // subnormal sums
      const options = { chunks, stride, divisor, start, end: start + count };
      const js = reduceOn('js', gradients, options);
      const wasm = reduceOn('wasm', gradients, options);
      expect(firstBitDifference(wasm, js), `${count} values from ${start}, ${chunks} chunks, divisor ${divisor}`).toBe(
        -1,
      );
      expect(js[start - 1] ?? 7).toBe(7);
      expect(js[start + count] ?? 7).toBe(7);
    }
  });

  it('the kernel itself matches below the length where sumChunksInto starts using it', () => {
    const rt = wasmRuntime()!;
    for (const count of [1, 2, 3, 5, 7]) {
      const gradients = sprinkleSpecials(seededValues(3 * (count + 1), count), 0, 2);
      const options = { chunks: 3, stride: count + 1, divisor: 3, start: 1, end: count + 1 };
      const wasm = new Float32Array(count + 1);
      sumChunksWasm(rt, gradients, wasm, options);
      expect(
        firstBitDifference(
          wasm,
          reduceOn('js', gradients, options).map((v, i) => (i === 0 ? 0 : v)),
        ),
      ).toBe(-1);
    }
  });

  it('a divisor float32 cannot hold (0.1, 2²⁴ + 1) takes the TypeScript loop, and gives its bits', () => {
    const gradients = seededValues(4 * 300, 5);
    for (const divisor of [0.1, 2 ** 24 + 1]) {
      const options = { chunks: 4, stride: 300, divisor, start: 0, end: 300 };
      expect(firstBitDifference(reduceOn('wasm', gradients, options), reduceOn('js', gradients, options))).toBe(-1);
    }
  });

  it('names the arguments that do not fit', () => {
    const gradients = new Float32Array(10);
    const reduced = new Float32Array(5);
    expect(() => sumChunksInto(gradients, reduced, { chunks: 0, stride: 5, divisor: 1, start: 0, end: 5 })).toThrow(
      'sumChunksInto: expected integers with chunks ≥ 1 and 0 ≤ start ≤ end ≤ stride; got chunks 0, stride 5, range [0, 5)',
    );
    expect(() => sumChunksInto(gradients, reduced, { chunks: 3, stride: 5, divisor: 1, start: 0, end: 5 })).toThrow(
      'sumChunksInto: chunks 3, stride 5, range [0, 5) reads up to index 14, but gradients has 10 values',
    );
    expect(() =>
      sumChunksInto(gradients, new Float32Array(4), { chunks: 2, stride: 5, divisor: 1, start: 0, end: 5 }),
    ).toThrow('sumChunksInto: range [0, 5) does not fit reduced (4 values)');
  });
});
