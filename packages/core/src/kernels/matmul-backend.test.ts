// The matmul entry points on both backends — plain, Aᵀ·B and A·Bᵀ — against a float64 reference:
// edge sizes around the 4×8 register block and the cache blocks, offsets, k = 0, NaN placement,
// memory growth, determinism and the backend switch.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { matmulJsInto, matmulTransposeAJsInto, matmulTransposeBJsInto } from './matmul.js';
import { kernelBackend, setKernelBackend, type KernelBackend } from './backend.js';
import { matmulInto, matmulTransposeAInto, matmulTransposeBInto } from './matmul-backend.js';
import { wasmMemoryIsShared, wasmRuntime } from './wasm/runtime.js';
import { seededValues } from '../../test/seeded-values.js';

type Matmul = typeof matmulInto;
type Variant = 'plain' | 'transposeA' | 'transposeB';
const VARIANTS: Record<Variant, Matmul> = {
  plain: matmulInto,
  transposeA: matmulTransposeAInto,
  transposeB: matmulTransposeBInto,
};
const JS_REFERENCES: Record<Variant, Matmul> = {
  plain: matmulJsInto,
  transposeA: matmulTransposeAJsInto,
  transposeB: matmulTransposeBJsInto,
};
const BACKENDS: KernelBackend[] = ['wasm', 'js'];

const initialBackend = kernelBackend();
afterEach(() => setKernelBackend(initialBackend));

interface Operands {
  a: Float32Array;
  b: Float32Array;
  out: Float32Array;
  offsets: { a: number; b: number; out: number };
}

/** Operands with `pad` extra elements before and after each matrix; out starts as NaN (a sentinel). */
function operands(m: number, k: number, n: number, seed: number, pad = { a: 0, b: 0, out: 0 }): Operands {
  return {
    a: seededValues(pad.a + m * k + pad.a, seed),
    b: seededValues(pad.b + k * n + pad.b, seed + 7919),
    out: new Float32Array(pad.out + m * n + pad.out).fill(Number.NaN),
    offsets: pad,
  };
}

/** op(A)[i][p] and op(B)[p][j] as stored by each variant (A stored k×m for Aᵀ·B, B stored n×k for A·Bᵀ). */
function readers(variant: Variant, { a, b, offsets }: Operands, m: number, k: number, n: number) {
  const aAt =
    variant === 'transposeA'
      ? (i: number, p: number) => a[offsets.a + p * m + i]!
      : (i: number, p: number) => a[offsets.a + i * k + p]!;
  const bAt =
    variant === 'transposeB'
      ? (p: number, j: number) => b[offsets.b + j * k + p]!
      : (p: number, j: number) => b[offsets.b + p * n + j]!;
  return { aAt, bAt };
}

/**
 * Checks out against a float64 triple loop. Float32 sums of k terms drift like √k roundings of
 * Σ|a·b|, so each element may differ by 2e-6·√k·Σ|a·b| (about 30× the typical drift; a wrong
 * element is off by the size of Σ|a·b| itself). Also checks that nothing outside out's span changed.
 */
function expectProduct(variant: Variant, ops: Operands, m: number, k: number, n: number): void {
  const { aAt, bAt } = readers(variant, ops, m, k, n);
  const tolerance = 2e-6 * Math.sqrt(Math.max(1, k));
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let scale = 0;
      for (let p = 0; p < k; p++) {
        const term = aAt(i, p) * bAt(p, j);
        sum += term;
        scale += Math.abs(term);
      }
      const got = ops.out[ops.offsets.out + i * n + j]!;
      if (!(Math.abs(got - sum) <= tolerance * scale)) {
        expect.fail(
          `${variant} ${m}×${k}×${n} (${kernelBackend()}): out[${i}, ${j}] = ${got}, expected ${sum} (scale ${scale})`,
        );
      }
    }
  }
  const { out, offsets } = ops;
  for (let i = 0; i < offsets.out; i++) {
    expect(out[i], 'element before out').toBeNaN();
    expect(out[offsets.out + m * n + i], 'element after out').toBeNaN();
  }
}

/** Sizes around the 4×8 register block, the cache blocks (MC 120, KC 256, NC 2048) and small primes. */
const EDGE = [0, 1, 2, 3, 5, 7, 8, 9, 17];
const SHAPES: [m: number, k: number, n: number][] = [
  ...EDGE.flatMap((m) => EDGE.map((n): [number, number, number] => [m, 1 + ((m * 3 + n) % 9), n])),
  ...EDGE.map((k): [number, number, number] => [5, k, 9]),
  [4, 8, 8],
  [33, 31, 65],
  [121, 17, 7],
  [241, 3, 9],
  [6, 257, 11],
  [9, 513, 17],
  [130, 300, 260],
  [2, 5, 2049],
  [64, 784, 128],
];

describe.each(BACKENDS)('matmul kernels, %s backend', (backend) => {
  it.each(Object.keys(VARIANTS) as Variant[])(
    '%s matches a float64 triple loop at every edge and block size',
    (variant) => {
      setKernelBackend(backend);
      for (const [index, [m, k, n]] of SHAPES.entries()) {
        const ops = operands(m, k, n, 100 + index);
        VARIANTS[variant](ops.a, ops.b, ops.out, m, k, n);
        expectProduct(variant, ops, m, k, n);
      }
    },
  );

  it.each(Object.keys(VARIANTS) as Variant[])(
    '%s reads and writes at odd offsets into larger buffers, touching nothing else',
    (variant) => {
      setKernelBackend(backend);
      for (const [m, k, n] of [
        [3, 5, 7],
        [9, 17, 8],
        [130, 260, 33],
      ] as const) {
        const ops = operands(m, k, n, m + n, { a: 3, b: 5, out: 7 });
        VARIANTS[variant](ops.a, ops.b, ops.out, m, k, n, 3, 5, 7);
        expectProduct(variant, ops, m, k, n);
      }
    },
  );

  it.each(Object.keys(VARIANTS) as Variant[])(
    '%s gives zeros for k = 0 and leaves out alone when m or n is 0',
    (variant) => {
      setKernelBackend(backend);
      const out = new Float32Array(6).fill(Number.NaN);
      VARIANTS[variant](new Float32Array(0), new Float32Array(0), out, 2, 0, 3);
      expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0]);
      const untouched = Float32Array.of(Number.NaN);
      VARIANTS[variant](new Float32Array(0), seededValues(12, 1), untouched, 0, 4, 3);
      VARIANTS[variant](seededValues(12, 2), new Float32Array(0), untouched, 3, 4, 0);
      expect(untouched[0]).toBeNaN();
    },
  );

  it('agrees with random shapes, offsets and variants (property-based)', () => {
    setKernelBackend(backend);
    fc.assert(
      fc.property(
        fc.constantFrom<Variant>('plain', 'transposeA', 'transposeB'),
        fc.integer({ min: 0, max: 37 }),
        fc.integer({ min: 0, max: 70 }),
        fc.integer({ min: 0, max: 37 }),
        fc.record({ a: fc.nat(9), b: fc.nat(9), out: fc.nat(9) }),
        fc.nat(1000),
        (variant, m, k, n, pad, seed) => {
          const ops = operands(m, k, n, seed, pad);
          VARIANTS[variant](ops.a, ops.b, ops.out, m, k, n, pad.a, pad.b, pad.out);
          expectProduct(variant, ops, m, k, n);
        },
      ),
      { numRuns: 150, seed: 7 },
    );
  });

  it('keeps a NaN in its own row and column (edge padding does not leak)', () => {
    setKernelBackend(backend);
    const [m, k, n] = [9, 6, 13]; // neither m nor n fills the register block
    const a = seededValues(m * k, 1);
    const b = seededValues(k * n, 2);
    a[(m - 1) * k + 2] = Number.NaN; // last row of A
    b[3 * n + (n - 1)] = Number.NaN; // last column of B
    const out = new Float32Array(m * n);
    matmulInto(a, b, out, m, k, n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        expect(Number.isNaN(out[i * n + j]), `out[${i}, ${j}]`).toBe(i === m - 1 || j === n - 1);
      }
    }
  });

  it('names the operation, the sizes and the fix in its errors', () => {
    setKernelBackend(backend);
    const out = new Float32Array(4);
    expect(() => matmulInto(new Float32Array(3), new Float32Array(4), out, 2, 2, 2)).toThrow(
      /matmulInto: a needs m·k = 2·2 = 4 elements from offset 0, but has 3/,
    );
    expect(() => matmulTransposeAInto(new Float32Array(4), new Float32Array(4), out, 2, 2, 2, 0, 1)).toThrow(
      /matmulTransposeAInto: b needs k·n = 2·2 = 4 elements from offset 1, but has 3/,
    );
    expect(() => matmulTransposeBInto(new Float32Array(4), new Float32Array(4), out, 2, -1, 2)).toThrow(
      /matmulTransposeBInto: k must be a non-negative integer, got -1/,
    );
  });
});

describe('the WebAssembly backend', () => {
  it('is available and chosen by default in Node, with a shared (never detaching) memory', () => {
    expect(wasmRuntime()).not.toBeNull();
    expect(initialBackend).toBe('wasm');
    expect(wasmMemoryIsShared()).toBe(true);
  });

  it('gives the same bits on every run, at any offset, and before and after other products', () => {
    setKernelBackend('wasm');
    const [m, k, n] = [70, 600, 45];
    const ops = operands(m, k, n, 3, { a: 1, b: 2, out: 3 });
    matmulInto(ops.a, ops.b, ops.out, m, k, n, 1, 2, 3);
    const first = ops.out.slice(3, 3 + m * n);
    const other = operands(200, 300, 100, 4);
    matmulTransposeBInto(other.a, other.b, other.out, 200, 300, 100);
    const again = new Float32Array(m * n);
    matmulInto(ops.a.slice(1, 1 + m * k), ops.b.slice(2, 2 + k * n), again, m, k, n);
    expect(new Uint32Array(again.buffer)).toEqual(new Uint32Array(first.buffer));
  });

  it('grows its memory for a large product and stays correct for small ones afterwards', () => {
    setKernelBackend('wasm');
    // 3 matrices of 1100×600 floats: 7.9 MB, over the initial 4 MiB.
    const big = operands(1100, 600, 1100, 5);
    matmulInto(big.a, big.b, big.out, 1100, 600, 1100);
    const { aAt, bAt } = readers('plain', big, 1100, 600, 1100);
    for (const [i, j] of [
      [0, 0],
      [1099, 1099],
      [550, 3],
      [7, 1098],
    ] as const) {
      let sum = 0;
      for (let p = 0; p < 600; p++) sum += aAt(i, p) * bAt(p, j);
      expect(big.out[i * 1100 + j]).toBeCloseTo(sum, 3);
    }
    const small = operands(5, 7, 9, 6);
    matmulInto(small.a, small.b, small.out, 5, 7, 9);
    expectProduct('plain', small, 5, 7, 9);
  });
});

describe('setKernelBackend', () => {
  it("switches this thread's kernel; 'js' gives exactly the TypeScript kernel's bits", () => {
    setKernelBackend('js');
    expect(kernelBackend()).toBe('js');
    for (const variant of Object.keys(VARIANTS) as Variant[]) {
      const [m, k, n] = [13, 300, 21];
      const ops = operands(m, k, n, 11);
      const expected = new Float32Array(m * n);
      JS_REFERENCES[variant](ops.a, ops.b, expected, m, k, n);
      VARIANTS[variant](ops.a, ops.b, ops.out, m, k, n);
      expect(ops.out).toEqual(expected);
    }
    setKernelBackend('wasm');
    expect(kernelBackend()).toBe('wasm');
  });

  it('rejects an unknown backend by name', () => {
    expect(() => setKernelBackend('gpu' as KernelBackend)).toThrow(
      /setKernelBackend: expected 'wasm' or 'js', got gpu/,
    );
    expect(kernelBackend()).toBe(initialBackend);
  });
});

describe('without WebAssembly', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it("falls back to the TypeScript kernel, and refuses 'wasm' with the fix", async () => {
    vi.stubGlobal('WebAssembly', undefined);
    vi.resetModules();
    const fresh = await import('./matmul-backend.js');
    const backend = await import('./backend.js');
    expect(backend.kernelBackend()).toBe('js');
    expect(() => backend.setKernelBackend('wasm')).toThrow(/setKernelBackend: 'wasm' is unavailable here .*; use 'js'/);
    const ops = operands(9, 17, 8, 21);
    fresh.matmulTransposeBInto(ops.a, ops.b, ops.out, 9, 17, 8);
    expectProduct('transposeB', ops, 9, 17, 8);
  });
});

describe('without shared WebAssembly memory (a browser page that is not cross-origin isolated)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('uses a growable non-shared memory, re-creating its view after growth', async () => {
    type MemoryDescriptor = { initial: number; maximum: number; shared?: boolean };
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
    class UnsharedOnlyMemory extends real.Memory {
      constructor(descriptor: MemoryDescriptor) {
        if (descriptor.shared) throw new TypeError('shared memory needs cross-origin isolation');
        super(descriptor);
      }
    }
    vi.stubGlobal('WebAssembly', {
      validate: real.validate,
      Module: real.Module,
      Instance: real.Instance,
      Memory: UnsharedOnlyMemory,
    });
    vi.resetModules();
    const fresh = await import('./matmul-backend.js');
    const backend = await import('./backend.js');
    const runtime = await import('./wasm/runtime.js');
    expect(backend.kernelBackend()).toBe('wasm');
    expect(runtime.wasmMemoryIsShared()).toBe(false);
    for (const [m, k, n] of [
      [5, 7, 9],
      [900, 700, 900],
      [6, 300, 10],
    ] as const) {
      const ops = operands(m, k, n, m);
      fresh.matmulInto(ops.a, ops.b, ops.out, m, k, n);
      if (m < 100) expectProduct('plain', ops, m, k, n);
      else
        expect(ops.out[m * n - 1]).toBeCloseTo(
          Array.from({ length: k }, (_, p) => ops.a[(m - 1) * k + p]! * ops.b[p * n + n - 1]!).reduce((x, y) => x + y),
          3,
        );
    }
  });
});
