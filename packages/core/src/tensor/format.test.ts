// Tests for formatTensor: exact strings as PyTorch prints them (torch/_tensor_str.py defaults).
// Imports only tensor/format (plus vitest); never the Tensor class.

import { describe, expect, it } from 'vitest';
import { formatTensor } from './format.js';

function arange(length: number, map: (i: number) => number = (i) => i): Float32Array {
  return Float32Array.from({ length }, (_, i) => map(i));
}

function lines(...rows: string[]): string {
  return rows.join('\n');
}

describe('formatTensor: scalars and vectors', () => {
  it('prints scalars without brackets', () => {
    expect(formatTensor(Float32Array.of(3.5), [])).toBe('tensor(3.5000)');
    expect(formatTensor(Float32Array.of(3), [])).toBe('tensor(3.)');
    expect(formatTensor(Float32Array.of(0), [])).toBe('tensor(0.)');
    expect(formatTensor(Float32Array.of(-0), [])).toBe('tensor(-0.)');
    expect(formatTensor(Float32Array.of(Number.NaN), [])).toBe('tensor(nan)');
    expect(formatTensor(Float32Array.of(-1e-5), [])).toBe('tensor(-1.0000e-05)');
  });

  it('prints floats with 4 decimals, right-aligned to a common width', () => {
    expect(formatTensor(Float32Array.of(1.5, 2.25, -3.125), [3])).toBe('tensor([ 1.5000,  2.2500, -3.1250])');
    expect(formatTensor(Float32Array.of(0.1, 0.2, 0.3), [3])).toBe('tensor([0.1000, 0.2000, 0.3000])');
    expect(formatTensor(Float32Array.of(0, 12.5), [2])).toBe('tensor([ 0.0000, 12.5000])');
  });

  it('prints integer-valued floats as `1.`', () => {
    expect(formatTensor(Float32Array.of(1, 2, 3), [3])).toBe('tensor([1., 2., 3.])');
    expect(formatTensor(Float32Array.of(-1, 10, 0), [3])).toBe('tensor([-1., 10.,  0.])');
    expect(formatTensor(Float32Array.of(0, 0), [2])).toBe('tensor([0., 0.])');
  });

  it('rounds like Python: the exact binary value, ties to even', () => {
    // 0.03125, 0.09375 and 1.03125 are exact binary ties; float32(0.23455) is just below 0.23455.
    expect(formatTensor(Float32Array.of(0.03125, 1), [2])).toBe('tensor([0.0312, 1.0000])');
    expect(formatTensor(Float32Array.of(0.09375, 1), [2])).toBe('tensor([0.0938, 1.0000])');
    expect(formatTensor(Float32Array.of(0.23455, 0.00035), [2])).toBe('tensor([0.2345, 0.0003])');
    expect(formatTensor(Float32Array.of(1.03125, 1e-5), [2])).toBe('tensor([1.0312e+00, 1.0000e-05])');
    expect(formatTensor(Float32Array.of(9.99995, 1e-5), [2])).toBe('tensor([1.0000e+01, 1.0000e-05])');
  });

  it('wraps long rows at 80 characters', () => {
    expect(formatTensor(arange(30), [30])).toBe(
      lines(
        'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,',
        '        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,',
        '        28., 29.])',
      ),
    );
  });
});

describe('formatTensor: matrices and higher ranks', () => {
  it('prints 2-D with aligned rows', () => {
    expect(formatTensor(Float32Array.of(1, 2, 3, 4), [2, 2])).toBe(lines('tensor([[1., 2.],', '        [3., 4.]])'));
  });

  it('aligns negative numbers and mixed magnitudes in every column', () => {
    expect(formatTensor(Float32Array.of(1.5, -2, 100, 0.25), [2, 2])).toBe(
      lines('tensor([[  1.5000,  -2.0000],', '        [100.0000,   0.2500]])'),
    );
    expect(formatTensor(Float32Array.of(-1, 2, 3, -40), [2, 2])).toBe(
      lines('tensor([[ -1.,   2.],', '        [  3., -40.]])'),
    );
  });

  it('prints 3-D with a blank line between blocks', () => {
    expect(formatTensor(arange(12), [2, 2, 3])).toBe(
      lines(
        'tensor([[[ 0.,  1.,  2.],',
        '         [ 3.,  4.,  5.]],',
        '',
        '        [[ 6.,  7.,  8.],',
        '         [ 9., 10., 11.]]])',
      ),
    );
  });

  it('prints shapes with unit axes', () => {
    expect(formatTensor(Float32Array.of(1, 2), [2, 1])).toBe(lines('tensor([[1.],', '        [2.]])'));
    expect(formatTensor(Float32Array.of(7), [1, 1, 1])).toBe('tensor([[[7.]]])');
  });
});

describe('formatTensor: special values and scientific notation', () => {
  it('prints nan, inf and -inf, not counting them in the width', () => {
    expect(formatTensor(Float32Array.of(1.5, Number.NaN, Infinity, -Infinity), [4])).toBe(
      'tensor([1.5000,    nan,    inf,   -inf])',
    );
    expect(formatTensor(Float32Array.of(1, Number.NaN, -Infinity), [3])).toBe('tensor([1., nan, -inf])');
    expect(formatTensor(Float32Array.of(Number.NaN, Infinity), [2])).toBe('tensor([nan, inf])');
  });

  it('switches to scientific notation for tiny, huge or widely spread values', () => {
    expect(formatTensor(Float32Array.of(1e-5, 1), [2])).toBe('tensor([1.0000e-05, 1.0000e+00])');
    expect(formatTensor(Float32Array.of(-1e-5, 2, 0), [3])).toBe('tensor([-1.0000e-05,  2.0000e+00,  0.0000e+00])');
    expect(formatTensor(Float32Array.of(1e10, 1), [2])).toBe('tensor([1.0000e+10, 1.0000e+00])');
    expect(formatTensor(Float32Array.of(1, 1001), [2])).toBe('tensor([1.0000e+00, 1.0010e+03])');
    expect(formatTensor(Float32Array.of(1, 1000), [2])).toBe('tensor([   1., 1000.])');
    expect(formatTensor(Float32Array.of(0.5, 2000.5), [2])).toBe('tensor([5.0000e-01, 2.0005e+03])');
    expect(formatTensor(Float32Array.of(1.5e30, Number.NaN), [2])).toBe('tensor([1.5000e+30,        nan])');
  });

  it('honours the precision option', () => {
    expect(formatTensor(Float32Array.of(Math.PI, -Math.E), [2], { precision: 2 })).toBe('tensor([ 3.14, -2.72])');
    expect(formatTensor(Float32Array.of(1e-5, 1), [2], { precision: 0 })).toBe('tensor([1e-05, 1e+00])');
  });
});

describe('formatTensor: summarising large tensors', () => {
  it('summarises a 1-D tensor of 2000 elements with 3 items at each edge', () => {
    expect(formatTensor(arange(2000), [2000])).toBe(
      lines('tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,', '        1.9990e+03])'),
    );
  });

  it('chooses the format from the printed values only', () => {
    // The hidden middle holds 1e9, which would force scientific notation if it were printed.
    const data = arange(2000, (i) => (i === 1000 ? 1e9 : 1 + (i % 10) / 4));
    expect(formatTensor(data, [2000])).toBe('tensor([1.0000, 1.2500, 1.5000,  ..., 2.7500, 3.0000, 3.2500])');
  });

  it('summarises a 50×50 matrix along both axes', () => {
    const data = arange(2500, (k) => Math.floor(k / 50) + 1 + (k % 50) / 100);
    expect(formatTensor(data, [50, 50])).toBe(
      lines(
        'tensor([[ 1.0000,  1.0100,  1.0200,  ...,  1.4700,  1.4800,  1.4900],',
        '        [ 2.0000,  2.0100,  2.0200,  ...,  2.4700,  2.4800,  2.4900],',
        '        [ 3.0000,  3.0100,  3.0200,  ...,  3.4700,  3.4800,  3.4900],',
        '        ...,',
        '        [48.0000, 48.0100, 48.0200,  ..., 48.4700, 48.4800, 48.4900],',
        '        [49.0000, 49.0100, 49.0200,  ..., 49.4700, 49.4800, 49.4900],',
        '        [50.0000, 50.0100, 50.0200,  ..., 50.4700, 50.4800, 50.4900]])',
      ),
    );
  });

  it('honours threshold and edgeItems', () => {
    expect(formatTensor(arange(10), [10], { threshold: 5, edgeItems: 2 })).toBe('tensor([0., 1.,  ..., 8., 9.])');
    expect(formatTensor(arange(10), [10], { threshold: 10 })).toBe('tensor([0., 1., 2., 3., 4., 5., 6., 7., 8., 9.])');
    expect(formatTensor(arange(24), [4, 6], { threshold: 10, edgeItems: 1 })).toBe(
      lines('tensor([[ 0.,  ...,  5.],', '        ...,', '        [18.,  ..., 23.]])'),
    );
  });
});

describe('formatTensor: empty tensors, prefix and suffix', () => {
  it('prints empty tensors with their size unless 1-D', () => {
    expect(formatTensor(new Float32Array(0), [0])).toBe('tensor([])');
    expect(formatTensor(new Float32Array(0), [0, 3])).toBe('tensor([], size=(0, 3))');
    expect(formatTensor(new Float32Array(0), [2, 0, 3])).toBe('tensor([], size=(2, 0, 3))');
  });

  it('appends a suffix, on a new line when the last line is full', () => {
    expect(formatTensor(Float32Array.of(1, 2), [2], { suffix: 'requiresGrad=true' })).toBe(
      'tensor([1., 2.], requiresGrad=true)',
    );
    expect(formatTensor(new Float32Array(0), [0, 3], { suffix: 'requiresGrad=true' })).toBe(
      'tensor([], size=(0, 3), requiresGrad=true)',
    );
    expect(formatTensor(arange(14), [14], { suffix: 'requiresGrad=true' })).toBe(
      lines(
        'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.],',
        '       requiresGrad=true)',
      ),
    );
  });

  it('indents continuation lines by the prefix', () => {
    expect(formatTensor(Float32Array.of(1, 2, 3, 4), [2, 2], { prefix: 'Parameter(' })).toBe(
      lines('Parameter([[1., 2.],', '           [3., 4.]])'),
    );
  });
});

describe('formatTensor: errors', () => {
  it('names the function, the values and the fix', () => {
    expect(() => formatTensor(new Float32Array(5), [2, 3])).toThrow(
      'formatTensor: data has 5 elements but shape [2,3] needs 6; pass the matching shape',
    );
    expect(() => formatTensor(new Float32Array(0), [-1])).toThrow(
      'formatTensor: shape [-1] must hold non-negative integers',
    );
    expect(() => formatTensor(new Float32Array(1), [], { precision: 1.5 })).toThrow(
      'formatTensor: precision (1.5) must be an integer in [0, 100]',
    );
    expect(() => formatTensor(new Float32Array(1), [], { edgeItems: -1 })).toThrow(
      'formatTensor: edgeItems (-1) must be an integer >= 0',
    );
    expect(() => formatTensor(new Float32Array(1), [], { threshold: Number.NaN })).toThrow(
      /^formatTensor: threshold \(NaN\) must be a number >= 0/,
    );
  });
});
