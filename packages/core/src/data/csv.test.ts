// parseCsv: headers, label columns, delimiters, scaling, and errors naming line and column.
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('detects a header and takes the first column as the label', () => {
    const { inputs, labels, featureNames, labelName } = parseCsv('label,x,y\n1,0.5,2\n0,1.5,-1\n');
    expect(inputs.shape).toEqual([2, 2]);
    expect(inputs.toArray()).toEqual([
      [0.5, 2],
      [1.5, -1],
    ]);
    expect(labels.toArray()).toEqual([1, 0]);
    expect(featureNames).toEqual(['x', 'y']);
    expect(labelName).toBe('label');
  });

  it('reads headerless files (MNIST as CSV) and scales the inputs only', () => {
    const { inputs, labels, featureNames } = parseCsv('5,0,255,51\n0,255,0,0', { scale: 1 / 255 });
    expect(labels.toArray()).toEqual([5, 0]);
    expect(Array.from(inputs.data)).toEqual([0, 1, 0.2, 1, 0, 0].map(Math.fround));
    expect(featureNames).toBeNull();
  });

  it('finds the label column by name or by negative index', () => {
    const text = 'a;b;species\n1;2;0\n3;4;2\n';
    const byName = parseCsv(text, { delimiter: ';', labelColumn: 'species' });
    expect(byName.labels.toArray()).toEqual([0, 2]);
    expect(byName.inputs.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(byName.featureNames).toEqual(['a', 'b']);
    expect(parseCsv(text, { delimiter: ';', labelColumn: -1 }).labels.toArray()).toEqual([0, 2]);
    expect(parseCsv(text, { delimiter: ';', labelColumn: 1 }).inputs.toArray()).toEqual([
      [1, 0],
      [3, 2],
    ]);
  });

  it('accepts CRLF, blank lines, spaces, quoted cells and exponents', () => {
    const { inputs, labels } = parseCsv('"y", "x"\r\n\r\n 1 , "2.5e1" \r\n0,-3\r\n\r\n');
    expect(inputs.toArray()).toEqual([[25], [-3]]);
    expect(labels.toArray()).toEqual([1, 0]);
  });

  it('can be told that a numeric first line is, or is not, a header', () => {
    expect(parseCsv('1,2\n3,4', { header: true }).labels.toArray()).toEqual([3]);
    expect(parseCsv('1,2\n3,4', { header: false }).labels.toArray()).toEqual([1, 3]);
  });

  it('names the line and column of a cell that is not a number', () => {
    expect(() => parseCsv('label,x,y\n1,2,3\n\n0,abc,3\n', { name: 'train.csv' })).toThrow(
      'parseCsv: train.csv line 4, column 2 ("x"): "abc" is not a number',
    );
    expect(() => parseCsv('1,2,3\n1,,3')).toThrow('parseCsv: CSV line 2, column 2: empty cell');
  });

  it('names the line of a ragged row', () => {
    expect(() => parseCsv('a,b,c\n1,2,3\n4,5\n')).toThrow(
      'parseCsv: CSV line 3 has 2 columns, expected 3 (as on line 1)',
    );
  });

  it('explains bad options and empty input', () => {
    expect(() => parseCsv('a,b\n1,2', { labelColumn: 'c' })).toThrow(
      'parseCsv: CSV has no column "c"; its columns are "a", "b"',
    );
    expect(() => parseCsv('1,2\n3,4', { labelColumn: 'a', header: false })).toThrow(
      'is a name, but CSV has no header line',
    );
    expect(() => parseCsv('1,2', { labelColumn: 2 })).toThrow(
      'parseCsv: labelColumn 2 is out of range for 2 columns (use 0…1, or -1 for the last)',
    );
    expect(() => parseCsv('1;2\n3;4')).toThrow(
      'has 1 column; need a label column and at least one input column (is the delimiter "," right?)',
    );
    expect(() => parseCsv('\n \n')).toThrow('parseCsv: CSV has no rows');
    expect(() => parseCsv('a,b\n')).toThrow('has a header line but no data rows');
    expect(() => parseCsv('1,2', { delimiter: '' })).toThrow('delimiter must be a non-empty string');
  });
});

describe('parseCsv on hostile text (issue 19: 20, 24)', () => {
  it("refuses Number()'s quirks: hex, binary, octal, Infinity, NaN", () => {
    for (const cell of ['0x10', '0b11', '0o7', 'Infinity', '-Infinity', 'NaN', '1_000', '1e', '.']) {
      expect(() => parseCsv(`1,2\n0,${cell}\n`, { name: 'q.csv' }), cell).toThrow(
        `parseCsv: q.csv line 2, column 2: ${JSON.stringify(cell)} is not a number (plain decimals only, e.g. -1.5e3)`,
      );
    }
    expect(parseCsv('1,2\n0,+1.5e3\n0,.5\n0,-7.\n').inputs.toArray()).toEqual([[2], [1500], [0.5], [-7]]);
  });

  it('refuses values that overflow float32 instead of storing Infinity', () => {
    expect(() => parseCsv('1,2\n0,1e400\n', { name: 'q.csv' })).toThrow(
      'parseCsv: q.csv line 2, column 2: "1e400" is beyond the float32 range (±3.4e38)',
    );
    expect(() => parseCsv('1,2\n0,-1e39\n')).toThrow('"-1e39" is beyond the float32 range');
    expect(() => parseCsv('1,2\n0,3e38\n', { scale: 10 })).toThrow(
      'line 2, column 2: 3e+38 × scale 10 overflows float32',
    );
    expect(parseCsv('1,2\n0,3.4e38\n').inputs.data[1]).toBeCloseTo(3.4e38, -33);
  });

  it('reads \\r, \\n and \\r\\n line ends alike (a CR-only file has rows)', () => {
    for (const end of ['\r', '\n', '\r\n']) {
      const { inputs, labels, featureNames } = parseCsv(['y,x', '1,2', '0,3', ''].join(end));
      expect(featureNames).toEqual(['x']);
      expect(inputs.toArray()).toEqual([[2], [3]]);
      expect(labels.toArray()).toEqual([1, 0]);
    }
  });

  it('checks a megabyte-long cell in linear time (no regular-expression backtracking blow-up)', () => {
    const started = performance.now();
    expect(() => parseCsv(`y,x\n1,${'9'.repeat(1_000_000)}z\n`)).toThrow(
      'is not a number (plain decimals only, e.g. -1.5e3)',
    );
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('quotes at most 80 characters of a cell or a column name', () => {
    const long = 'z'.repeat(8_000_000);
    const message = (() => {
      try {
        parseCsv(`y,x\n0,${long}\n`);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toBe(
      `parseCsv: CSV line 2, column 2 ("x"): "${'z'.repeat(80)}"… (8,000,000 characters) is not a number (plain decimals only, e.g. -1.5e3)`,
    );
    const columns = Array.from({ length: 10_000 }, (_, i) => `c${i}${'w'.repeat(100)}`).join(',');
    expect(() => parseCsv(`${columns}\n${'1,'.repeat(9_999)}1\n`, { labelColumn: 'label' })).toThrow(
      /its columns are .{0,1100}$/,
    );
  });
});
