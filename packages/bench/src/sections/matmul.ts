// Report section 1: matrix multiply GFLOP/s in one thread at the four sizes — Backprop's
// WebAssembly SIMD and TypeScript kernels beside TF.js's wasm (XNNPACK) and cpu backends.
import { comparisonTable, ratio, targetLine } from '../comparison.js';
import { matmulKey, type MatmulShape } from '../tasks.js';
import type { Section } from './section.js';

const SHAPES: readonly MatmulShape[] = [
  { m: 128, k: 784, n: 128 },
  { m: 256, k: 256, n: 256 },
  { m: 512, k: 512, n: 512 },
  { m: 1024, k: 1024, n: 1024 },
];

const COLUMNS = [
  { side: 'backprop-wasm', title: 'Backprop wasm', short: 'wasm' },
  { side: 'backprop-js', title: 'Backprop TypeScript', short: 'TypeScript' },
  { side: 'tfjs-wasm', title: 'TF.js wasm' },
  { side: 'tfjs-cpu', title: 'TF.js cpu' },
] as const;

const label = ({ m, k, n }: MatmulShape) => (m === k && k === n ? `${m}³` : matmulKey({ m, k, n }));

/** Matmul GFLOP/s at 128×784×128, 256³, 512³ and 1024³; target: Backprop wasm ≥ 1.25× TF.js wasm at each. */
export const matmulSection: Section = {
  name: 'matmul',
  tasks: (settings) =>
    COLUMNS.map(({ side }) => ({ measurement: 'matmul', side, shapes: SHAPES, timeScale: settings.timeScale })),
  render: (summaries) => {
    const wasmVsWasm = { side: 'backprop-wasm', reference: 'tfjs-wasm' } as const;
    return [
      '### Matrix multiply, one thread: GFLOP/s (higher is better)',
      'C = A·B on seeded float32 operands, the product returned as a new array and checked against a float64 reference; GFLOP/s = 2·m·k·n ÷ time.',
      comparisonTable({
        rowTitle: 'm×k×n',
        rows: SHAPES.map((shape) => ({ key: matmulKey(shape), label: label(shape) })),
        columns: COLUMNS,
        summaries,
        ratios: [wasmVsWasm, { side: 'backprop-js', reference: 'tfjs-wasm' }],
        digits: 2,
      }),
      targetLine(
        'Backprop wasm vs TF.js wasm at every size',
        SHAPES.map((shape) => ({ label: label(shape), value: ratio(summaries, wasmVsWasm, matmulKey(shape)) })),
        1.25,
      ),
    ].join('\n\n');
  },
};
