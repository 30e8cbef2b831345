// The blocked sgemm on operands gathered through offset tables (NOTE(gather-pack)) against a
// float64 triple loop: scattered rows, runs of consecutive rows (the f32x4 path), partial panels
// and every cache block edge, at sizes that are not multiples of 4, 8 or the blocks.
import { describe, expect, it } from 'vitest';
import { seededValues } from '../../../test/seeded-values.js';
import { HeapPlan, reserveHeap, wasmRuntime } from './runtime.js';
import { planSgemm, sgemmInHeap } from './sgemm.js';

const rt = wasmRuntime()!;

/**
 * Byte offsets of `count` items: runs of `run` consecutive floats, each run starting `gap` floats
 * after the last one ended, then shuffled by runs (so both the f32x4 and the float paths meet).
 */
function offsets(count: number, run: number, gap: number, seed: number): number[] {
  const runs: number[][] = [];
  for (let start = 0, item = 0; item < count; start += run + gap) {
    const length = Math.min(run, count - item);
    runs.push(Array.from({ length }, (_, i) => (start + i) * 4));
    item += length;
  }
  const order = seededValues(runs.length, seed);
  return runs
    .map((items, i) => ({ items, key: order[i]! }))
    .sort((a, b) => a.key - b.key)
    .flatMap(({ items }) => items);
}

describe('sgemmInHeap with gathered operands', () => {
  it.each([
    [5, 3, 7],
    [13, 37, 29],
    [130, 300, 70], // over MC = 120 rows and KC = 256 depth
    [9, 20, 2100], // over NC = 2048 columns
  ])('%i×%i×%i matches a float64 triple loop', (m, k, n) => {
    // Element (i, p) of A at aRows[i] + aDepth[p], of op(B) (p, j) at bRows[j] + bDepth[p].
    const aRows = offsets(m, 4, 3, 1);
    const aDepth = offsets(k, 1, 0, 2).map((offset) => offset * (3 * m + 8));
    const bRows = offsets(n, 8, 1, 3);
    const bDepth = offsets(k, 5, 2, 4).map((offset) => offset * (2 * n + 16));
    const span = (rows: number[], depth: number[]) => (Math.max(...rows) + Math.max(...depth)) / 4 + 1;
    const aValues = seededValues(span(aRows, aDepth), 5);
    const bValues = seededValues(span(bRows, bDepth), 6);

    const plan = new HeapPlan();
    const a = plan.floats(aValues.length);
    const b = plan.floats(bValues.length);
    const tables = [aRows, aDepth, bRows, bDepth].map((table) => plan.floats(table.length));
    const scratch = planSgemm(plan, m, n);
    reserveHeap(rt, plan.end);
    rt.heap.set(aValues, a >> 2);
    rt.heap.set(bValues, b >> 2);
    [aRows, aDepth, bRows, bDepth].forEach((table, i) => rt.heapInt32.set(table, tables[i]! >> 2));
    sgemmInHeap(
      rt,
      m,
      k,
      n,
      { base: a, rowTable: tables[0]!, depthTable: tables[1]! },
      { base: b, rowTable: tables[2]!, depthTable: tables[3]! },
      scratch,
    );

    const tolerance = 2e-6 * Math.sqrt(k);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        let scale = 0;
        for (let p = 0; p < k; p++) {
          const term = aValues[(aRows[i]! + aDepth[p]!) / 4]! * bValues[(bRows[j]! + bDepth[p]!) / 4]!;
          sum += term;
          scale += Math.abs(term);
        }
        const got = rt.heap[(scratch.c >> 2) + i * scratch.ldc + j]!;
        if (!(Math.abs(got - sum) <= tolerance * scale)) expect.fail(`C[${i}, ${j}] = ${got}, expected ${sum}`);
      }
    }
  });
});
