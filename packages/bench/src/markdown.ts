// Markdown for the report: tables and the number formats its cells use. Pure functions; imports nothing.

/** A table column: its title and whether its cells are numbers (right-aligned). */
export interface MarkdownColumn {
  readonly title: string;
  readonly numeric?: boolean;
}

/**
 * A GitHub-flavoured markdown table; every row needs one cell per column.
 *
 * @example
 * ```ts
 * markdownTable([{ title: 'size' }, { title: 'GFLOP/s', numeric: true }], [['256³', '27.10']]);
 * // | size | GFLOP/s |
 * // | --- | ---: |
 * // | 256³ | 27.10 |
 * ```
 */
export function markdownTable(columns: readonly MarkdownColumn[], rows: readonly (readonly string[])[]): string {
  for (const row of rows) {
    if (row.length !== columns.length)
      throw new Error(`markdownTable: a row has ${row.length} cells for ${columns.length} columns: ${row.join(' | ')}`);
  }
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(columns.map((column) => column.title)),
    line(columns.map((column) => (column.numeric ? '---:' : '---'))),
    ...rows.map(line),
  ].join('\n');
}

/** `digits` decimals with thousands separators: `formatNumber(25520.4)` → `25,520`, `formatNumber(3.14159, 2)` → `3.14`. */
export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A ratio with two decimals and a times sign: `formatRatio(1.617)` → `1.62×`. */
export function formatRatio(value: number): string {
  return `${value.toFixed(2)}×`;
}

/** A share as a whole percentage: `formatPercent(0.183)` → `18%`. */
export function formatPercent(value: number): string {
  return `${Math.round(value * 100)}%`;
}
