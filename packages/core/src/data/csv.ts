// Numeric CSV → input and label tensors (e.g. MNIST as CSV: a label then 784 pixels per line).
// Takes text already in memory: must not import `node:` modules (browsers read files themselves).
import { Tensor } from '../tensor/tensor.js';

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
 * Blank lines are skipped, `\r\n` is accepted, cells may be wrapped in double quotes; quoted
 * cells containing the delimiter are not supported. Errors name the line and column.
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
    throw new Error(`parseCsv: delimiter must be a non-empty string without quotes or line breaks, got ${JSON.stringify(delimiter)}`);
  }
  if (!Number.isFinite(scale)) throw new RangeError(`parseCsv: scale must be a finite number, got ${scale}`);

  // NOTE(csv-speed): see scanLine. Cells are scanned in place (no string per cell, so a 60,000-line
  // MNIST CSV never holds 47 million cell strings); only odd cells take the careful path.
  const lines = text.split('\n'); // a '\r' left at a line end is trimmed like any space
  const rowLines: number[] = []; // 0-based indices of the non-blank lines
  lines.forEach((line, i) => {
    if (line.trim() !== '') rowLines.push(i);
  });
  if (rowLines.length === 0) throw new Error(`parseCsv: ${name} has no rows`);

  const firstLine = rowLines[0]! + 1;
  const firstCells = lines[rowLines[0]!]!.split(delimiter).map(cleanCell);
  const hasHeader = header === 'auto' ? typeof labelColumn === 'string' || firstCells.some((cell) => !isNumber(cell)) : header;
  const names = hasHeader ? firstCells : null;
  const width = firstCells.length;
  if (width < 2) {
    throw new Error(`parseCsv: ${name} line ${firstLine} has ${width} column; need a label column and at least one input column (is the delimiter ${JSON.stringify(delimiter)} right?)`);
  }
  const label = resolveLabelColumn(labelColumn, names, width, name);
  const dataLines = hasHeader ? rowLines.slice(1) : rowLines;
  if (dataLines.length === 0) throw new Error(`parseCsv: ${name} has a header line but no data rows`);

  const features = width - 1;
  const inputs = new Float32Array(dataLines.length * features);
  const labels = new Float32Array(dataLines.length);
  const values = new Float64Array(width);
  dataLines.forEach((lineIndex, row) => {
    const line = lines[lineIndex]!;
    const count = scanLine(line, delimiter, values);
    if (count !== width) {
      throw new Error(`parseCsv: ${name} line ${lineIndex + 1} has ${count} columns, expected ${width} (as on line ${firstLine})`);
    }
    let feature = row * features;
    for (let column = 0; column < width; column++) {
      let value = values[column]!;
      if (Number.isNaN(value)) value = parseCell(line.split(delimiter)[column]!, { line: lineIndex + 1, column, names, name });
      if (column === label) labels[row] = value;
      else inputs[feature++] = value * scale;
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
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1).trim() : trimmed;
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
  const value = Number(cell);
  return value === 0 && cell.trim() === '' ? Number.NaN : value;
}

/** The careful path for a cell: quotes, empty cells, 'NaN', and the error naming line and column. */
function parseCell(raw: string, at: { line: number; column: number; names: string[] | null; name: string }): number {
  const cell = cleanCell(raw);
  const value = Number(cell);
  if (cell === '' || (Number.isNaN(value) && cell !== 'NaN')) {
    const where = `line ${at.line}, column ${at.column + 1}${at.names ? ` (${JSON.stringify(at.names[at.column])})` : ''}`;
    throw new Error(`parseCsv: ${at.name} ${where}: ${cell === '' ? 'empty cell' : `${JSON.stringify(cell)} is not a number`}`);
  }
  return value;
}

function isNumber(cell: string): boolean {
  return cell !== '' && (!Number.isNaN(Number(cell)) || cell === 'NaN');
}

function resolveLabelColumn(labelColumn: number | string, names: string[] | null, width: number, name: string): number {
  if (typeof labelColumn === 'string') {
    if (names === null) throw new Error(`parseCsv: labelColumn ${JSON.stringify(labelColumn)} is a name, but ${name} has no header line (header: false)`);
    const index = names.indexOf(labelColumn);
    if (index < 0) {
      throw new Error(`parseCsv: ${name} has no column ${JSON.stringify(labelColumn)}; its columns are ${names.map((n) => JSON.stringify(n)).join(', ')}`);
    }
    return index;
  }
  if (!Number.isInteger(labelColumn) || labelColumn < -width || labelColumn >= width) {
    throw new RangeError(`parseCsv: labelColumn ${labelColumn} is out of range for ${width} columns (use 0…${width - 1}, or -1 for the last)`);
  }
  return labelColumn < 0 ? labelColumn + width : labelColumn;
}
