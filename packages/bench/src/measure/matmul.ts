// Measurement: GFLOP/s of one side's float32 matrix product (2·m·k·n / time, one thread) at each
// shape, after checking the product against a float64 reference. Runs in a child process.
import type { ChildResult } from '../run-child.js';
import { median } from '@backprop/bench-utils';
import { matmulKey, SEED, type MatmulShape, type MatmulSide } from '../tasks.js';
import type { Library } from './library.js';
import { scaleSchedule, timeCalls, type Schedule } from './timing.js';

/** Per shape: ≥ 3 timed calls over ≥ 0.6 s after 0.2 s of warm-up; one call suffices past 3 s (TF.js cpu at 1024³). */
const SCHEDULE: Schedule = { warmupCalls: 1, warmupMs: 200, minCalls: 3, targetMs: 600, capMs: 3000 };

/** `length` values in [-1, 1) from a seeded xorshift32 (the operands only need to be fixed and finite). */
function seededOperand(length: number, seed: number): Float32Array {
  const values = new Float32Array(length);
  let state = (seed * 0x9e3779b9) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    values[i] = (state >>> 0) / 2 ** 31 - 1;
  }
  return values;
}

/**
 * Refuses to time a wrong product: 64 entries spread over C, each recomputed in float64, must agree
 * within 1e-4 of the largest |entry| seen.
 */
export function checkProduct(a: Float32Array, b: Float32Array, product: Float32Array, { m, k, n }: MatmulShape): void {
  if (product.length !== m * n)
    throw new Error(`matmul ${m}×${k}×${n}: the product has ${product.length} values, expected ${m * n}`);
  let worst = 0;
  let scale = 0;
  for (let probe = 0; probe < 64; probe++) {
    const row = (probe * 7919) % m;
    const column = (probe * 104_729) % n;
    let sum = 0;
    for (let i = 0; i < k; i++) sum += a[row * k + i]! * b[i * n + column]!;
    worst = Math.max(worst, Math.abs(sum - product[row * n + column]!));
    scale = Math.max(scale, Math.abs(sum));
  }
  if (!(worst <= 1e-4 * Math.max(scale, 1)))
    throw new Error(`matmul ${m}×${k}×${n}: the product differs from the float64 reference by ${worst}`);
}

/**
 * GFLOP/s of `side` at each shape: the median over the timed calls.
 *
 * @example
 * ```ts
 * await measureMatmul(library, 'tfjs-wasm', [{ m: 256, k: 256, n: 256 }], 1); // { figures: { '256×256×256': 17.2 } }
 * ```
 */
export async function measureMatmul(
  library: Library,
  side: MatmulSide,
  shapes: readonly MatmulShape[],
  timeScale: number,
): Promise<ChildResult> {
  const figures: Record<string, number> = {};
  for (const [index, shape] of shapes.entries()) {
    const { m, k, n } = shape;
    const a = seededOperand(m * k, SEED + 2 * index);
    const b = seededOperand(k * n, SEED + 2 * index + 1);
    const product = library.product(a, b, shape);
    try {
      checkProduct(a, b, product.run(), shape);
      const milliseconds = median(await timeCalls(() => product.run(), scaleSchedule(SCHEDULE, timeScale)));
      figures[matmulKey(shape)] = (2 * m * k * n) / milliseconds / 1e6;
    } finally {
      product.dispose();
    }
    process.stderr.write(`matmul ${side} ${matmulKey(shape)}: ${figures[matmulKey(shape)]!.toFixed(2)} GFLOP/s\n`);
  }
  return { figures, details: library.details };
}
