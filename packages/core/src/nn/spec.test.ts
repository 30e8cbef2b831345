// Model specs as untrusted data (issue 19: 4, 20): parameters counted before any weight is
// allocated, nesting bounded, quoted values cut short.
import { describe, expect, it } from 'vitest';
import { buildModel, DEFAULT_MAX_PARAMETERS, MAX_SPEC_DEPTH, specParameterCount } from '../index.js';
import { Generator } from '../random/generator.js';

const mlp = {
  type: 'sequential',
  layers: [{ type: 'linear', in: 784, out: 128 }, { type: 'relu' }, { type: 'linear', in: 128, out: 10 }],
};

/** Σ sizes of a built model's parameters: what specParameterCount must predict. */
const builtCount = (spec: unknown) =>
  buildModel(spec, { generator: new Generator(0) })
    .parameters()
    .reduce((total, p) => total + p.size, 0);

describe('specParameterCount', () => {
  it('counts what the built model holds, for every layer type with parameters', () => {
    const spec = {
      type: 'sequential',
      layers: [
        { type: 'conv2d', in: 3, out: 4, kernel: [3, 2], padding: 1 },
        { type: 'conv2d', in: 4, out: 2, kernel: 1, bias: false },
        { type: 'batchNorm2d', features: 2 },
        { type: 'flatten' },
        {
          type: 'sequential',
          layers: [
            { type: 'linear', in: 8, out: 5, bias: false },
            { type: 'batchNorm1d', features: 5 },
          ],
        },
        { type: 'layerNorm', shape: [5] },
        { type: 'layerNorm', shape: [2, 3] },
        { type: 'linear', in: 5, out: 3 },
        { type: 'dropout', p: 0.5 },
        { type: 'logSoftmax' },
      ],
    };
    const expected = 4 * 3 * 3 * 2 + 4 + 2 * 4 + 2 * 2 + 8 * 5 + 2 * 5 + 2 * 5 + 2 * 6 + 5 * 3 + 3;
    expect(specParameterCount(spec)).toBe(expected);
    expect(builtCount(spec)).toBe(expected);
    expect(specParameterCount(mlp)).toBe(101_770);
  });

  it('validates like buildModel, with the same path errors', () => {
    expect(() => specParameterCount({ type: 'sequential', layers: [{ type: 'linear', in: 2, out: 'x' }] })).toThrow(
      'layers[0].out: expected a positive integer, got "x"',
    );
  });
});

describe('buildModel limits (4)', () => {
  it('refuses a spec over maxParameters before allocating, naming the count, the limit and the option', () => {
    expect(DEFAULT_MAX_PARAMETERS).toBe(100_000_000);
    // 30 M wide: 9e14 parameters would take petabytes; refused in microseconds.
    const wide = { type: 'sequential', layers: [{ type: 'linear', in: 30_000_000, out: 30_000_000 }] };
    const started = performance.now();
    expect(() => buildModel(wide)).toThrow(
      'buildModel: the spec has 900,000,030,000,000 parameters and buffer values, over the limit of 100,000,000 (maxParameters); pass { maxParameters } to raise it if the spec is trusted',
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(() => buildModel({ type: 'layerNorm', shape: [100_000, 1_000] })).toThrow(
      'the spec has 200,000,000 parameters',
    );
    expect(() => buildModel({ type: 'batchNorm1d', features: 60_000_000 })).toThrow(
      'the spec has 240,000,000 parameters and buffer values',
    );
    expect(() => buildModel(mlp, { maxParameters: 101_769 })).toThrow(
      'the spec has 101,770 parameters and buffer values, over the limit of 101,769',
    );
    expect(buildModel(mlp, { maxParameters: 101_770 }).parameters()).toHaveLength(4);
    expect(() => buildModel(mlp, { maxParameters: -1 })).toThrow(
      'buildModel: maxParameters must be a non-negative number, got -1',
    );
  });

  it('bounds sequential nesting instead of overflowing the stack', () => {
    let deep: unknown = { type: 'relu' };
    for (let i = 0; i < 100_000; i++) deep = { type: 'sequential', layers: [deep] };
    expect(() => buildModel(deep)).toThrow(
      `sequential specs nest deeper than ${MAX_SPEC_DEPTH} levels (MAX_SPEC_DEPTH)`,
    );
    let fits: unknown = { type: 'relu' };
    for (let i = 0; i < MAX_SPEC_DEPTH; i++) fits = { type: 'sequential', layers: [fits] };
    expect(buildModel(fits).toSpec()).toEqual(fits);
  });

  it('cuts quoted values and field names to a bounded length (20)', () => {
    const huge = 'x'.repeat(8_000_000);
    const error = (() => {
      try {
        buildModel({ type: 'sequential', layers: [{ type: 'linear', in: 2, out: huge }] });
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected an error');
    })();
    expect(error.message).toMatch(
      /^layers\[0\]\.out: expected a positive integer, got "x{80}"… \(8,000,000 characters\)$/,
    );
    expect(() => buildModel({ type: 'linear', in: 1, out: 1, [huge]: 1 })).toThrow(
      /^x{80}…: unknown field for type "linear"/,
    );
    expect(() =>
      buildModel({ type: 'sequential', layers: [{ type: 'layerNorm', shape: new Array(1_000_000).fill(1) }] }),
    ).toThrow(
      /^layers\[0\]\.shape: expected a non-empty list of at most 64 positive integers, got \[1,1,.{60,}… \(2,000,001 characters\)$/,
    );
  });
});
