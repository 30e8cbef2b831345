// Numeric CSV → input and label tensors (e.g. MNIST as CSV: a label then 784 pixels per line).
// Takes text already in memory: must not import `node:` modules (browsers read files themselves).
import { checkElements } from '../kernels/element-limit.js';
import { clip, excerpt } from '../tensor/describe.js';
import { Tensor } from '../tensor/tensor.js';

// NOTE(csv-numbers): a cell is a plain decimal number — optional sign, digits with an optional
// point, optional exponent — and finite as float32. Number() alone would also take '0x10',
// '0b11', '0o7', 'Infinity' and turn '1e400' (or '1e39', past float32) into Infinity: values
// no CSV writer means, which would train silently on garbage.
// Each digit run has one way to match (no nested or adjacent optional runs): linear time, no
// backtracking blow-up on a megabyte-long cell.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const FLOAT32_MAX = 3.4028234663852886e38;
/** Line ends: \r\n, \n and a lone \r (old Mac files, some exporters). */
const LINE_END = /\r\n|\r|\n/;

/** Options of {@link parseCsv}. */
export interface ParseCsvOptions {
  /** The label column: an index (negative counts from the end) or a header name. Default 0. */
  labelColumn?: number | string;
  /** Whether the first line holds column names; 'auto' (default): yes if any of its cells is not a number. */
  header?: boolean | 'auto';
  /** Cell separator. Default ','. */
  delimiter?: string;
  /** Multiplies every input value (not the labels), e.g. 1 / 255 for pixel bytes. Default 1. */
  scale?: number;
  /** Named in errors, e.g. the file name. Default 'CSV'. */
  name?: string;
}

/** The parsed table: `inputs` [N, F] (the other columns, in order), `labels` [N] float32. */
export interface CsvData {
  inputs: Tensor;
  labels: Tensor;
  /** Header names of the input columns, or `null` without a header line. */
  featureNames: string[] | null;
  /** Header name of the label column, or `null` without a header line. */
  labelName: string | null;
}

/**
 * Parses a numeric CSV table into `inputs` [N, F] and `labels` [N] (float32 — class indices stay
 * exact integers, so `new TensorDataset(inputs, labels)` is ready for classification or regression).
 * Blank lines are skipped, lines may end in `\n`, `\r\n` or `\r`, cells may be wrapped in double
 * quotes; quoted cells containing the delimiter are not supported. Cells must be plain decimal
 * numbers, finite as float32 (no `0x10`, `Infinity`, `NaN` or `1e400`: NOTE(csv-numbers)).
 * Errors name the line and column and quote at most 80 characters of a cell.
 *
 * @example
 * ```ts
 * const { inputs, labels } = parseCsv('label,x,y\n1,0.5,2\n0,1.5,-1\n'); // inputs [2, 2], labels [2]
 * parseCsv(mnistCsv, { scale: 1 / 255 });                                // label first, then pixels
 * parseCsv(text, { labelColumn: 'species', delimiter: ';' });
 * ```
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): CsvData {
  const { labelColumn = 0, header = 'auto', delimiter = ',', scale = 1, name = 'CSV' } = options;
  if (typeof delimiter !== 'string' || delimiter.length === 0 || delimiter.includes('"') || /[\r\n]/.test(delimiter)) {
    throw new Error(
      `parseCsv: delimiter must be a non-empty string without quotes or line breaks, got ${typeof delimiter === 'string' ? excerpt(delimiter) : typeof delimiter}`,
    );
  }
  if (!Number.isFinite(scale)) throw new RangeError(`parseCsv: scale must be a finite number, got ${scale}`);

  // NOTE(csv-speed): see scanLine. Cells are scanned in place (no string per cell, so a 60,000-line
  // MNIST CSV never holds 47 million cell strings); only odd cells take the careful path.
  if (typeof text !== 'string')
    throw new TypeError(`parseCsv: expected the file's text as a string, got ${text === null ? 'null' : typeof text}`);
  const lines = text.split(LINE_END);
  const rowLines: number[] = []; // 0-based indices of the non-blank lines
  lines.forEach((line, i) => {
    if (line.trim() !== '') rowLines.push(i);
  });
  if (rowLines.length === 0) throw new Error(`parseCsv: ${name} has no rows`);

  const firstLine = rowLines[0]! + 1;
  const firstCells = lines[rowLines[0]!]!.split(delimiter).map(cleanCell);
  const hasHeader =
    header === 'auto' ? typeof labelColumn === 'string' || firstCells.some((cell) => !isNumber(cell)) : header;
  const names = hasHeader ? firstCells : null;
  const width = firstCells.length;
  if (width < 2) {
    throw new Error(
      `parseCsv: ${name} line ${firstLine} has ${width} column; need a label column and at least one input column (is the delimiter ${excerpt(delimiter)} right?)`,
    );
  }
  const label = resolveLabelColumn(labelColumn, names, width, name);
  const dataLines = hasHeader ? rowLines.slice(1) : rowLines;
  if (dataLines.length === 0) throw new Error(`parseCsv: ${name} has a header line but no data rows`);

  const features = width - 1;
  checkElements('parseCsv', [dataLines.length, features], 'inputs shape');
  const inputs = new Float32Array(dataLines.length * features);
  const labels = new Float32Array(dataLines.length);
  const values = new Float64Array(width);
  dataLines.forEach((lineIndex, row) => {
    const line = lines[lineIndex]!;
    const count = scanLine(line, delimiter, values);
    if (count !== width) {
      throw new Error(
        `parseCsv: ${name} line ${lineIndex + 1} has ${count} columns, expected ${width} (as on line ${firstLine})`,
      );
    }
    let feature = row * features;
    for (let column = 0; column < width; column++) {
      let value = values[column]!;
      const at = { line: lineIndex + 1, column, names, name };
      if (Number.isNaN(value)) value = parseCell(line.split(delimiter)[column]!, at);
      if (column === label) labels[row] = value;
      else {
        const scaled = value * scale;
        if (!(Math.abs(scaled) <= FLOAT32_MAX)) throw cellError(at, `${value} × scale ${scale} overflows float32`);
        inputs[feature++] = scaled;
      }
    }
  });

  return {
    inputs: new Tensor(inputs, [dataLines.length, features]),
    labels: new Tensor(labels, [dataLines.length]),
    featureNames: names ? names.filter((_, column) => column !== label) : null,
    labelName: names ? names[label]! : null,
  };
}

function cleanCell(cell: string): string {
  const trimmed = cell.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
    ? trimmed.slice(1, -1).trim()
    : trimmed;
}

/**
 * Reads the cells of `line` into `values` (as many as fit) and returns how many cells it has.
 * A cell of at most 15 digits with an optional '-' is read digit by digit (exact, like Number);
 * anything else goes through Number(). NaN marks a cell for the careful path: quoted, empty,
 * 'NaN' or not a number at all.
 */
function scanLine(line: string, delimiter: string, values: Float64Array): number {
  let count = 0;
  for (let start = 0; ; count++) {
    const found = line.indexOf(delimiter, start);
    const end = found < 0 ? line.length : found;
    if (count < values.length) values[count] = readCell(line, start, end);
    if (found < 0) return count + 1;
    start = end + delimiter.length;
  }
}

function readCell(line: string, start: number, end: number): number {
  const negative = line.charCodeAt(start) === 45; // '-'
  let k = negative ? start + 1 : start;
  if (end > k && end - k <= 15) {
    let value = 0;
    for (; k < end; k++) {
      const digit = line.charCodeAt(k) - 48;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
    }
    if (k === end) return negative ? -value : value;
  }
  const cell = line.slice(start, end);
  // Anything but a plain finite decimal takes the careful path (NaN), which explains the refusal.
  if (!DECIMAL.test(cell)) return Number.NaN;
  const value = Number(cell);
  return Math.abs(value) <= FLOAT32_MAX ? value : Number.NaN;
}

/** The careful path for a cell: quotes, empty cells, 'NaN', and the error naming line and column. */
interface CellPlace {
  line: number;
  column: number;
  names: string[] | null;
  name: string;
}

function cellError(at: CellPlace, problem: string): Error {
  const where = `line ${at.line}, column ${at.column + 1}${at.names ? ` (${excerpt(at.names[at.column]!)})` : ''}`;
  return new Error(`parseCsv: ${at.name} ${where}: ${problem}`);
}

function parseCell(raw: string, at: CellPlace): number {
  const cell = cleanCell(raw);
  if (cell === '') throw cellError(at, 'empty cell');
  if (!DECIMAL.test(cell)) throw cellError(at, `${excerpt(cell)} is not a number (plain decimals only, e.g. -1.5e3)`);
  const value = Number(cell);
  if (!(Math.abs(value) <= FLOAT32_MAX)) throw cellError(at, `${excerpt(cell)} is beyond the float32 range (±3.4e38)`);
  return value;
}

function isNumber(cell: string): boolean {
  return DECIMAL.test(cell);
}

function resolveLabelColumn(labelColumn: number | string, names: string[] | null, width: number, name: string): number {
  if (typeof labelColumn === 'string') {
    if (names === null)
      throw new Error(
        `parseCsv: labelColumn ${excerpt(labelColumn)} is a name, but ${name} has no header line (header: false)`,
      );
    const index = names.indexOf(labelColumn);
    if (index < 0) {
      const shown = names
        .slice(0, 20)
        .map((n) => excerpt(n, 40))
        .join(', ');
      const more = names.length > 20 ? `, … (${names.length} in all)` : '';
      throw new Error(
        `parseCsv: ${name} has no column ${excerpt(labelColumn)}; its columns are ${clip(shown + more, 1000)}`,
      );
    }
    return index;
  }
  if (!Number.isInteger(labelColumn) || labelColumn < -width || labelColumn >= width) {
    throw new RangeError(
      `parseCsv: labelColumn ${labelColumn} is out of range for ${width} columns (use 0…${width - 1}, or -1 for the last)`,
    );
  }
  return labelColumn < 0 ? labelColumn + width : labelColumn;
}
