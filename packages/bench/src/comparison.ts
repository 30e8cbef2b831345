// From the child processes' results to the report's comparison tables: medians per side, ratio
// columns against a reference side, the widest spread between processes and the issue's targets.
// Imports no library under test.
import { formatNumber, formatPercent, formatRatio, markdownTable, type MarkdownColumn } from './markdown.js';
import type { ChildResult } from './run-child.js';
import { median, spread } from '@backprop/bench-utils';
import type { Side } from './tasks.js';

/** One side after all its runs: median and spread of each figure over the runs, or why it cannot run. */
export interface SideSummary {
  readonly runs: number;
  readonly medians: ReadonlyMap<string, number>;
  /** (max − min) ÷ median of each figure over the runs; empty for a single run. */
  readonly spreads: ReadonlyMap<string, number>;
  readonly unsupported?: string;
  /** The first run's details (e.g. TF.js's thread count). */
  readonly details: Readonly<Record<string, string>>;
}

/**
 * Medians and spreads over one side's runs; `unsupported` if any run says so.
 *
 * @example
 * ```ts
 * summarize([{ figures: { x: 2 } }, { figures: { x: 4 } }, { figures: { x: 3 } }]).medians.get('x'); // 3
 * ```
 */
export function summarize(results: readonly ChildResult[]): SideSummary {
  const unsupported = results.find((result) => result.unsupported !== undefined)?.unsupported;
  const keys = [...new Set(results.flatMap((result) => Object.keys(result.figures)))];
  const values = (key: string) => results.flatMap((result) => (key in result.figures ? [result.figures[key]!] : []));
  return {
    runs: results.length,
    medians: new Map(unsupported === undefined ? keys.map((key) => [key, median(values(key))]) : []),
    spreads: new Map(
      unsupported === undefined && results.length > 1 ? keys.map((key) => [key, spread(values(key))]) : [],
    ),
    ...(unsupported === undefined ? {} : { unsupported }),
    details: results[0]?.details ?? {},
  };
}

/** A ratio column: `side` against `reference`. */
export interface RatioColumn {
  readonly side: Side;
  readonly reference: Side;
}

/**
 * How many times better `side` did than `reference` on figure `key` (> 1 = `side` is faster or
 * smaller): side ÷ reference, or reference ÷ side when lower is better. Undefined where either has
 * no figure.
 */
export function ratio(
  summaries: ReadonlyMap<Side, SideSummary>,
  { side, reference }: RatioColumn,
  key: string,
  lowerIsBetter = false,
): number | undefined {
  const ours = summaries.get(side)?.medians.get(key);
  const theirs = summaries.get(reference)?.medians.get(key);
  if (ours === undefined || theirs === undefined) return undefined;
  return lowerIsBetter ? theirs / ours : ours / theirs;
}

/** Options of {@link comparisonTable}. */
export interface ComparisonOptions {
  /** Title of the first column, e.g. `m×k×n`. */
  readonly rowTitle: string;
  /** One row per figure: its key in the results and its label in the table. */
  readonly rows: readonly { readonly key: string; readonly label: string }[];
  /** One column per side, in order; `short` names it in ratio column titles (default: `title`). */
  readonly columns: readonly { readonly side: Side; readonly title: string; readonly short?: string }[];
  readonly summaries: ReadonlyMap<Side, SideSummary>;
  /** Ratio columns after the figures; one whose reference has no figure at all is left out. */
  readonly ratios: readonly RatioColumn[];
  /** Step times: ratios are reference ÷ side. */
  readonly lowerIsBetter?: boolean;
  /** Decimals of the figures. */
  readonly digits: number;
}

/**
 * A markdown table of medians (rows × sides) with ratio columns, followed by a line per side that
 * could not run and a line naming the widest spread between processes.
 *
 * @example
 * ```ts
 * comparisonTable({ rowTitle: 'm×k×n', rows: [{ key: '256×256×256', label: '256³' }],
 *   columns: [{ side: 'backprop-wasm', title: 'Backprop wasm' }, { side: 'tfjs-wasm', title: 'TF.js wasm' }],
 *   summaries, ratios: [{ side: 'backprop-wasm', reference: 'tfjs-wasm' }], digits: 2 });
 * ```
 */
export function comparisonTable(options: ComparisonOptions): string {
  const { rows, columns, summaries, digits, lowerIsBetter = false } = options;
  const title = (side: Side) => columns.find((column) => column.side === side)?.title ?? side;
  const short = (side: Side) => columns.find((column) => column.side === side)?.short ?? title(side);
  const ratios = options.ratios.filter(({ reference }) => (summaries.get(reference)?.medians.size ?? 0) > 0);
  const header: MarkdownColumn[] = [
    { title: options.rowTitle },
    ...columns.map((column) => ({ title: column.title, numeric: true })),
    ...ratios.map((column) => ({ title: `${short(column.side)} vs ${short(column.reference)}`, numeric: true })),
  ];
  const cell = (side: Side, key: string): string => {
    const summary = summaries.get(side);
    if (summary?.unsupported !== undefined) return 'not supported';
    const value = summary?.medians.get(key);
    return value === undefined ? '—' : formatNumber(value, digits);
  };
  const body = rows.map(({ key, label }) => [
    label,
    ...columns.map(({ side }) => cell(side, key)),
    ...ratios.map((column) => {
      const value = ratio(summaries, column, key, lowerIsBetter);
      return value === undefined ? '—' : formatRatio(value);
    }),
  ]);
  const notes: string[] = [];
  for (const { side } of columns) {
    const reason = summaries.get(side)?.unsupported;
    if (reason !== undefined) notes.push(`${title(side)}: not supported — ${reason}.`);
  }
  let widest: { value: number; where: string } | undefined;
  for (const { side } of columns) {
    for (const { key, label } of rows) {
      const value = summaries.get(side)?.spreads.get(key);
      if (value !== undefined && (widest === undefined || value > widest.value))
        widest = { value, where: `${title(side)}, ${label}` };
    }
  }
  if (widest !== undefined)
    notes.push(
      `Widest spread between processes ((max − min) ÷ median): ${formatPercent(widest.value)} (${widest.where}).`,
    );
  return [markdownTable(header, body), ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}

/**
 * A line saying whether a target ratio is met at every listed point, e.g.
 * `Target ≥ 1.25×, Backprop wasm vs TF.js wasm at every size: **met** (1.33×, 1.62×)`.
 *
 * @example
 * ```ts
 * targetLine('one thread vs TF.js wasm at batch 256', [{ label: 'batch 256', value: 4.8 }], 2); // '… **met** (4.80×)'
 * ```
 */
export function targetLine(
  description: string,
  points: readonly { readonly label: string; readonly value: number | undefined }[],
  threshold: number,
): string {
  const prefix = `Target ≥ ${threshold}×, ${description}:`;
  if (points.length === 0 || points.some((point) => point.value === undefined))
    return `${prefix} not measured in this run.`;
  const values = points.map((point) => formatRatio(point.value!)).join(', ');
  const missed = points.filter((point) => point.value! < threshold);
  if (missed.length === 0) return `${prefix} **met** (${values}).`;
  const where = missed.map((point) => `${point.label} (${formatRatio(point.value!)})`).join(', ');
  return `${prefix} **not met** at ${where}${points.length > 1 ? `; all: ${values}` : ''}.`;
}
