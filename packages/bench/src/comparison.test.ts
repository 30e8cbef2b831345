import { describe, expect, it } from 'vitest';
import { comparisonTable, ratio, summarize, targetLine, type SideSummary } from './comparison.js';
import type { Side } from './tasks.js';

const summaries = new Map<Side, SideSummary>([
  [
    'backprop',
    summarize([{ figures: { a: 300, b: 20 } }, { figures: { a: 100, b: 10 } }, { figures: { a: 200, b: 40 } }]),
  ],
  ['tfjs-wasm', summarize([{ figures: {}, unsupported: 'no Conv2DBackpropFilter kernel' }])],
  ['tfjs-cpu', summarize([{ figures: { a: 50, b: 40 } }, { figures: { a: 50, b: 40 } }])],
]);

describe('summarize', () => {
  it("takes each figure's median and spread over the runs", () => {
    const backprop = summaries.get('backprop')!;
    expect(backprop.runs).toBe(3);
    expect(backprop.medians.get('a')).toBe(200);
    expect(backprop.medians.get('b')).toBe(20);
    expect(backprop.spreads.get('a')).toBe(1); // (300 − 100) / 200
  });

  it('marks a side unsupported, with no figures, when any run says so', () => {
    const wasm = summaries.get('tfjs-wasm')!;
    expect(wasm.unsupported).toBe('no Conv2DBackpropFilter kernel');
    expect(wasm.medians.size).toBe(0);
  });
});

describe('ratio', () => {
  it('divides side by reference, or reference by side when lower is better, and is undefined without both', () => {
    expect(ratio(summaries, { side: 'backprop', reference: 'tfjs-cpu' }, 'a')).toBe(4);
    expect(ratio(summaries, { side: 'backprop', reference: 'tfjs-cpu' }, 'b', true)).toBe(2);
    expect(ratio(summaries, { side: 'backprop', reference: 'tfjs-wasm' }, 'a')).toBeUndefined();
  });
});

describe('comparisonTable', () => {
  const table = comparisonTable({
    rowTitle: 'figure',
    rows: [
      { key: 'a', label: 'A' },
      { key: 'b', label: 'B' },
    ],
    columns: [
      { side: 'backprop', title: 'Backprop', short: 'BP' },
      { side: 'tfjs-wasm', title: 'TF.js wasm' },
      { side: 'tfjs-cpu', title: 'TF.js cpu' },
    ],
    summaries,
    ratios: [
      { side: 'backprop', reference: 'tfjs-wasm' },
      { side: 'backprop', reference: 'tfjs-cpu' },
    ],
    lowerIsBetter: true,
    digits: 1,
  });
  const lines = table.split('\n');

  it('prints medians, "not supported" and ratio columns (short names) only against references that have figures', () => {
    expect(lines[0]).toBe('| figure | Backprop | TF.js wasm | TF.js cpu | BP vs TF.js cpu |');
    expect(lines[2]).toBe('| A | 200.0 | not supported | 50.0 | 0.25× |');
    expect(lines[3]).toBe('| B | 20.0 | not supported | 40.0 | 2.00× |');
  });

  it('says why a side could not run and names the widest spread between processes', () => {
    expect(table).toContain('TF.js wasm: not supported — no Conv2DBackpropFilter kernel.');
    expect(table).toContain('Widest spread between processes ((max − min) ÷ median): 150% (Backprop, B).');
  });
});

describe('targetLine', () => {
  it('says met, not met (naming where) or not measured', () => {
    expect(
      targetLine(
        'x vs y',
        [
          { label: '256³', value: 1.3 },
          { label: '512³', value: 1.5 },
        ],
        1.25,
      ),
    ).toBe('Target ≥ 1.25×, x vs y: **met** (1.30×, 1.50×).');
    expect(
      targetLine(
        'x vs y',
        [
          { label: '256³', value: 1.3 },
          { label: '1024³', value: 1.2 },
        ],
        1.25,
      ),
    ).toBe('Target ≥ 1.25×, x vs y: **not met** at 1024³ (1.20×); all: 1.30×, 1.20×.');
    expect(targetLine('x vs y', [{ label: 'batch 256', value: undefined }], 2)).toBe(
      'Target ≥ 2×, x vs y: not measured in this run.',
    );
  });
});
