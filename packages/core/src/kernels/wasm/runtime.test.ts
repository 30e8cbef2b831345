// When the WebAssembly memory cannot grow (`memory.grow` throws a RangeError: the system has no
// memory to give), every kernel that needs more than the initial 4 MiB runs its TypeScript path
// and gives that path's result, instead of throwing. Each kernel runs once on a runtime whose
// memory refuses to grow and once with the TypeScript kernels forced, in a fresh module graph.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { seededValues } from '../../../test/seeded-values.js';

type MemoryDescriptor = { initial: number; maximum: number; shared?: boolean };

/** A fresh module graph whose WebAssembly memory throws on grow; counts the attempts. */
async function withUngrowableMemory() {
  const real = (
    globalThis as unknown as {
      WebAssembly: {
        validate: unknown;
        Module: unknown;
        Instance: unknown;
        Memory: new (descriptor: MemoryDescriptor) => object;
      };
    }
  ).WebAssembly;
  const attempts = { count: 0 };
  class UngrowableMemory extends real.Memory {
    grow(): number {
      attempts.count++;
      throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    }
  }
  vi.stubGlobal('WebAssembly', {
    validate: real.validate,
    Module: real.Module,
    Instance: real.Instance,
    Memory: UngrowableMemory,
  });
  vi.resetModules();
  const core = await import('../../index.js');
  const kernels = {
    matmul: await import('../matmul-backend.js'),
    relu: await import('../relu.js'),
    pool: await import('../pool.js'),
    chunks: await import('../reduce-chunks.js'),
    conv: await import('../conv.js'),
    convolution: await import('../../tensor/primitives/convolution.js'),
  };
  expect(core.kernelBackend()).toBe('wasm');
  return { core, kernels, attempts };
}

/** The same bits element by element (a loop: deep equality of million-element arrays is slow). */
function expectSameBits(got: Float32Array | Int32Array, expected: Float32Array | Int32Array): void {
  expect(got.length).toBe(expected.length);
  const [a, b] = [got, expected].map((values) => new Uint32Array(values.buffer, values.byteOffset, values.length)) as [
    Uint32Array,
    Uint32Array,
  ];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) expect.fail(`[${i}]: ${got[i]}, expected ${expected[i]}`);
}

describe('a WebAssembly memory that cannot grow', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('leaves every kernel on its TypeScript path, with its bits', async () => {
    const { core, kernels, attempts } = await withUngrowableMemory();
    /** Runs `run` on the ungrowable WebAssembly memory, then on the TypeScript kernels; both results. */
    const both = <T>(run: () => T): [T, T] => {
      core.setKernelBackend('wasm');
      const before = attempts.count;
      const wasm = run();
      expect(attempts.count).toBeGreaterThan(before); // it did need to grow
      core.setKernelBackend('js');
      return [wasm, run()];
    };

    // Matmul 600×600×600: 4.3 MB of operands (the WebAssembly sums differ from the TypeScript ones).
    const [m, k, n] = [600, 600, 600];
    const a = seededValues(m * k, 1);
    const b = seededValues(k * n, 2);
    for (const variant of ['matmulInto', 'matmulTransposeAInto', 'matmulTransposeBInto'] as const) {
      const [wasm, js] = both(() => {
        const out = new Float32Array(m * n);
        kernels.matmul[variant](a, b, out, m, k, n);
        return out;
      });
      expectSameBits(wasm, js);
    }

    // ReLU forward and backward over 1.2 M floats.
    const x = seededValues(1_200_000, 3);
    const g = seededValues(x.length, 4);
    for (const [wasm, js] of [both(() => kernels.relu.reluForward(x)), both(() => kernels.relu.reluBackward(x, g))])
      expectSameBits(wasm, js);

    // Max pooling 2×2 of [200, 6, 28, 28].
    const geometry = kernels.conv.conv2dGeometry({
      batch: 200,
      channels: 6,
      height: 28,
      width: 28,
      kernelHeight: 2,
      kernelWidth: 2,
      strideHeight: 2,
      strideWidth: 2,
      padHeight: 0,
      padWidth: 0,
    });
    const pooled = both(() => {
      const out = new Float32Array(200 * 6 * 14 * 14);
      const argmax = new Int32Array(out.length);
      kernels.pool.maxPool2dForward(seededValues(200 * 6 * 28 * 28, 5), geometry, out, argmax);
      return { out, argmax };
    });
    expectSameBits(pooled[0].out, pooled[1].out);
    expectSameBits(pooled[0].argmax, pooled[1].argmax);

    // The chunk-gradient reduction: 4 chunks of 300,000 values.
    const gradients = seededValues(4 * 300_000, 6);
    const [reducedWasm, reducedJs] = both(() => {
      const reduced = new Float32Array(300_000);
      kernels.chunks.sumChunksInto(gradients, reduced, {
        chunks: 4,
        stride: 300_000,
        divisor: 64,
        start: 0,
        end: 300_000,
      });
      return reduced;
    });
    expectSameBits(reducedWasm, reducedJs);

    // Adam's update of 300,000 values (five arrays of 1.2 MB).
    const [adamWasm, adamJs] = both(() => {
      const optimizer = new core.Adam([core.randn([300_000])], { amsgrad: true });
      const arrays = [
        seededValues(300_000, 7),
        seededValues(300_000, 8),
        seededValues(300_000, 9).map(Math.abs),
        new Float32Array(300_000),
      ];
      optimizer.updateValues(arrays[0]!, seededValues(300_000, 10), arrays.slice(1), { step: 100, fresh: false });
      return arrays;
    });
    adamWasm.forEach((array, i) => expectSameBits(array, adamJs[i]!));

    // Convolution forward and backward, LeNet conv2 at batch 256 (groups of 8 MiB).
    const convGeometry = kernels.conv.conv2dGeometry({
      batch: 256,
      channels: 6,
      height: 14,
      width: 14,
      kernelHeight: 5,
      kernelWidth: 5,
      strideHeight: 1,
      strideWidth: 1,
      padHeight: 0,
      padWidth: 0,
    });
    const input = { data: seededValues(256 * 6 * 14 * 14, 11), shape: [256, 6, 14, 14] };
    const weight = { data: seededValues(16 * 150, 12), shape: [16, 6, 5, 5] };
    const gradOut = { data: seededValues(256 * 16 * 100, 13), shape: [256, 16, 10, 10] };
    const [convWasm, convJs] = both(() => {
      const { output, backward } = kernels.convolution.conv2d(input, weight, convGeometry);
      return [output.data, ...backward(gradOut, [true, true]).map((gradient) => gradient!.data)];
    });
    convWasm.forEach((values, i) => expectSameBits(values, convJs[i]!));
  });
});

describe('copies in and out of the memory (NOTE(copy-alignment))', () => {
  afterEach(() => vi.restoreAllMocks());

  /** Each `target.set(source, index)` call as [source's byte offset mod 8, target's] (the two must agree). */
  function recordSets(target: Float32Array): Array<[number, number]> {
    const calls: Array<[number, number]> = [];
    const set = target.set.bind(target);
    vi.spyOn(target, 'set').mockImplementation((source: ArrayLike<number>, index = 0) => {
      if (ArrayBuffer.isView(source)) calls.push([source.byteOffset % 8, (target.byteOffset + index * 4) % 8]);
      set(source, index);
    });
    return calls;
  }

  it('place each region at the byte offset modulo 8 of the range it is copied from or to', async () => {
    const { HeapPlan: Plan, alignmentOf, reserveHeap: reserve, wasmRuntime: runtime } = await import('./runtime.js');
    const { sgemmWasm } = await import('./sgemm.js');
    const { sumChunksWasm } = await import('./chunk-sum.js');
    const { adamUpdateWasm } = await import('./adam.js');
    const rt = runtime()!;
    expect(reserve(rt, 16 * 1024 * 1024)).toBe(true); // no growth (and no new heap view) below
    expect(alignmentOf(new Float32Array(8), 3)).toBe(4);
    const plan = new Plan();
    expect([plan.floats(3), plan.floats(5, 4), plan.floats(1)]).toEqual([0, 68, 128]);

    const copiesIn = recordSets(rt.heap);
    // A matmul at odd offsets (product out at an odd offset too), then at even ones.
    const [m, k, n] = [9, 13, 11];
    const a = seededValues(m * k + 1, 1);
    const b = seededValues(k * n + 2, 2);
    const out = new Float32Array(m * n + 3);
    const copiesOut = recordSets(out);
    sgemmWasm(a, b, out, m, k, n, 1, 2, 3, { transposeA: false, transposeB: false });
    sgemmWasm(a, b, out, m, k, n, 0, 2, 0, { transposeA: false, transposeB: false });
    // Three chunks with an odd stride, from an odd start.
    const gradients = seededValues(3 * 101, 3);
    const reduced = new Float32Array(101);
    const reducedOut = recordSets(reduced);
    sumChunksWasm(rt, gradients, reduced, { chunks: 3, stride: 101, divisor: 4, start: 1, end: 100 });
    // Adam over a range at an odd index of each array.
    const range = (seed: number) => seededValues(300, seed).subarray(1, 298);
    const arrays = {
      values: range(4),
      gradient: range(5),
      expAvg: range(6),
      expAvgSq: range(7).map(Math.abs),
      maxExpAvgSq: null,
    };
    adamUpdateWasm(rt, arrays, {
      beta1: 0.9,
      beta2: 0.999,
      stepSize: 1e-3,
      correction2Sqrt: 0.5,
      eps: 1e-8,
      decay: 1,
      weightDecay: 0,
    });

    const all = [...copiesIn, ...copiesOut, ...reducedOut];
    expect(copiesIn.length).toBe(4 + 3 + 4);
    expect(all.some(([source]) => source === 4)).toBe(true);
    for (const [source, target] of all) expect(target).toBe(source);
  });
});
