import { describe, expect, it } from 'vitest';
import { formatNumber, formatPercent, formatRatio, markdownTable } from './markdown.js';

describe('markdownTable', () => {
  it('writes the header, an alignment rule (numbers right-aligned) and one line per row', () => {
    const table = markdownTable(
      [{ title: 'size' }, { title: 'GFLOP/s', numeric: true }],
      [
        ['256³', '27.10'],
        ['512³', '29.23'],
      ],
    );
    expect(table.split('\n')).toEqual(['| size | GFLOP/s |', '| --- | ---: |', '| 256³ | 27.10 |', '| 512³ | 29.23 |']);
  });

  it('refuses a row whose cell count differs from the columns', () => {
    expect(() => markdownTable([{ title: 'a' }, { title: 'b' }], [['only one']])).toThrow(
      'a row has 1 cells for 2 columns',
    );
  });
});

describe('number formats', () => {
  it('rounds with thousands separators, two-decimal ratios and whole percentages', () => {
    expect(formatNumber(25520.4)).toBe('25,520');
    expect(formatNumber(3.14159, 2)).toBe('3.14');
    expect(formatNumber(6668.66, 1)).toBe('6,668.7');
    expect(formatRatio(1.617)).toBe('1.62×');
    expect(formatPercent(0.183)).toBe('18%');
  });
});
