// Prints tensor values the way PyTorch does (`tensor([[1.0000, 2.0000], ...])`), from data and shape.
// Imports only kernels/shape: it knows nothing of the Tensor class or autograd.
import { stridesOf } from '../kernels/shape.js';

// NOTE(torch-printing): this follows torch/_tensor_str.py (PRINT_OPTS defaults: precision 4,
// threshold 1000, edgeitems 3, linewidth 80). One format is chosen for the whole tensor from its
// nonzero finite values (only the printed ones when summarising):
//   - all integers → `1.`, `-3.` (int mode), unless max > 1e8 or max/min > 1e3 → scientific;
//   - otherwise fixed `%.4f`, unless max > 1e8, min < 1e-4 or max/min > 1e3 → scientific `%.4e`.
// Every element is right-aligned to the widest nonzero finite element (so nan/inf/-0 may stick
// out, as in torch). Rounding is Python's: the exact binary value, ties to even, so 0.03125
// prints `0.0312` — which is why digits come from BigInt arithmetic, not toFixed/toExponential.

/**
 * Options of {@link formatTensor}; the defaults are PyTorch's print options.
 */
export interface FormatTensorOptions {
  /** Summarise (print `...`) when the tensor has more than this many elements. Default 1000. */
  threshold?: number;
  /** Elements shown at each edge of every summarised dimension. Default 3. */
  edgeItems?: number;
  /** Digits after the decimal point (fixed) or of the mantissa (scientific). Default 4. */
  precision?: number;
  /** Characters per line before a row of elements wraps. Default 80. */
  lineWidth?: number;
  /** Opening text; continuation lines are indented by its last line's length. Default `'tensor('`. */
  prefix?: string;
  /** Text appended before the closing parenthesis after `, `, e.g. `'requiresGrad=true'`. */
  suffix?: string;
}

/**
 * Formats float32 values of a contiguous row-major tensor of the given shape, like PyTorch.
 *
 * @example
 * ```ts
 * formatTensor(Float32Array.of(1, 2, 3, 4), [2, 2]);
 * // tensor([[1., 2.],
 * //         [3., 4.]])
 * formatTensor(Float32Array.of(0.5, -1.25), [2], { suffix: 'requiresGrad=true' });
 * // tensor([ 0.5000, -1.2500], requiresGrad=true)
 * formatTensor(Float32Array.of(3.5), []); // tensor(3.5000)
 * formatTensor(new Float32Array(0), [0, 3]); // tensor([], size=(0, 3))
 * ```
 */
export function formatTensor(data: Float32Array, shape: readonly number[], options: FormatTensorOptions = {}): string {
  const settings = resolveOptions(options);
  validateShape(data, shape);
  const prefix = settings.prefix;
  const indent = prefix.length - (prefix.lastIndexOf('\n') + 1);
  const suffixes: string[] = [];
  let body: string;
  if (data.length === 0) {
    if (shape.length !== 1) suffixes.push(`size=(${shape.join(', ')})`);
    body = '[]';
  } else {
    const summarize = data.length > settings.threshold;
    const printer: Printer = {
      data,
      shape,
      strides: stridesOf(shape),
      summarize,
      settings,
      formatter: createFormatter(collectPrinted(data, shape, summarize, settings.edgeItems), settings.precision),
    };
    body = shape.length === 0 ? printer.formatter.format(data[0]!) : formatBlock(printer, 0, 0, indent);
  }
  if (settings.suffix !== '') suffixes.push(settings.suffix);
  return addSuffixes(prefix + body, suffixes, indent, settings.lineWidth);
}

interface Settings {
  threshold: number;
  edgeItems: number;
  precision: number;
  lineWidth: number;
  prefix: string;
  suffix: string;
}

interface Printer {
  data: Float32Array;
  shape: readonly number[];
  strides: number[];
  summarize: boolean;
  settings: Settings;
  formatter: Formatter;
}

function resolveOptions(options: FormatTensorOptions): Settings {
  const settings: Settings = {
    threshold: options.threshold ?? 1000,
    edgeItems: options.edgeItems ?? 3,
    precision: options.precision ?? 4,
    lineWidth: options.lineWidth ?? 80,
    prefix: options.prefix ?? 'tensor(',
    suffix: options.suffix ?? '',
  };
  if (!(settings.threshold >= 0)) {
    throw new RangeError(
      `formatTensor: threshold (${settings.threshold}) must be a number >= 0 (Infinity never summarises)`,
    );
  }
  for (const [name, value, max] of [
    ['edgeItems', settings.edgeItems, Infinity],
    ['precision', settings.precision, 100],
    ['lineWidth', settings.lineWidth, Infinity],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      const range = max === Infinity ? '>= 0' : `in [0, ${max}]`;
      throw new RangeError(`formatTensor: ${name} (${value}) must be an integer ${range}`);
    }
  }
  return settings;
}

function validateShape(data: Float32Array, shape: readonly number[]): void {
  let size = 1;
  for (const length of shape) {
    if (!Number.isInteger(length) || length < 0) {
      throw new RangeError(`formatTensor: shape [${shape.join(',')}] must hold non-negative integers`);
    }
    size *= length;
  }
  if (size !== data.length) {
    throw new RangeError(
      `formatTensor: data has ${data.length} elements but shape [${shape.join(',')}] needs ${size}; pass the matching shape`,
    );
  }
}

/** Indices printed along an axis of this length; -1 stands for the `...` gap. */
function printedIndices(length: number, summarize: boolean, edgeItems: number): number[] {
  if (summarize && length > 2 * edgeItems) {
    const head = Array.from({ length: edgeItems }, (_, i) => i);
    const tail = Array.from({ length: edgeItems }, (_, i) => length - edgeItems + i);
    return [...head, -1, ...tail];
  }
  return Array.from({ length }, (_, i) => i);
}

/** The values that will be printed (torch's `get_summarized_data`): they alone choose the format. */
function collectPrinted(data: Float32Array, shape: readonly number[], summarize: boolean, edgeItems: number): number[] {
  if (!summarize) return Array.from(data);
  const strides = stridesOf(shape);
  const values: number[] = [];
  const visit = (axis: number, offset: number): void => {
    if (axis === shape.length) {
      values.push(data[offset]!);
      return;
    }
    for (const index of printedIndices(shape[axis]!, true, edgeItems)) {
      if (index >= 0) visit(axis + 1, offset + index * strides[axis]!);
    }
  };
  visit(0, 0);
  return values;
}

/** One bracketed block for the axes from `axis` on, as torch's `_tensor_str_with_formatter`. */
function formatBlock(printer: Printer, axis: number, offset: number, indent: number): string {
  const { shape, strides, summarize, settings } = printer;
  const indices = printedIndices(shape[axis]!, summarize, settings.edgeItems);
  const remainingAxes = shape.length - axis;
  if (remainingAxes === 1) {
    const elements =
      summarize && settings.edgeItems === 0
        ? ['...']
        : indices.map((index) => (index < 0 ? ' ...' : printer.formatter.format(printer.data[offset + index]!)));
    const elementLength = printer.formatter.width + 2; // ", " between elements
    const perLine = Math.max(1, Math.floor((settings.lineWidth - indent) / elementLength));
    const lines: string[] = [];
    for (let start = 0; start < elements.length; start += perLine) {
      lines.push(elements.slice(start, start + perLine).join(', '));
    }
    return `[${lines.join(',\n' + ' '.repeat(indent + 1))}]`;
  }
  const blocks = indices.map((index) =>
    index < 0 ? '...' : formatBlock(printer, axis + 1, offset + index * strides[axis]!, indent + 1),
  );
  return `[${blocks.join(',' + '\n'.repeat(remainingAxes - 1) + ' '.repeat(indent + 1))}]`;
}

/** torch's `_add_suffixes`: `, suffix` on the last line, or on a new line if it would pass lineWidth. */
function addSuffixes(text: string, suffixes: readonly string[], indent: number, lineWidth: number): string {
  let result = text;
  let lastLineLength = text.length - text.lastIndexOf('\n') + 1; // torch's arithmetic, kept as is
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > lineWidth) {
      result += ',\n' + ' '.repeat(indent) + suffix;
      lastLineLength = indent + suffix.length;
    } else {
      result += ', ' + suffix;
      lastLineLength += suffix.length + 2;
    }
  }
  return result + ')';
}

interface Formatter {
  readonly width: number;
  format(value: number): string;
}

/** torch's `_Formatter`: picks int, fixed or scientific mode and the common width. */
function createFormatter(values: readonly number[], precision: number): Formatter {
  const nonzeroFinite = values.filter((value) => Number.isFinite(value) && value !== 0);
  let mode: 'int' | 'fixed' | 'scientific' = 'int';
  let width = 1;
  if (nonzeroFinite.length > 0) {
    let min = Infinity;
    let max = 0;
    for (const value of nonzeroFinite) {
      min = Math.min(min, Math.abs(value));
      max = Math.max(max, Math.abs(value));
    }
    const allIntegers = nonzeroFinite.every(Number.isInteger);
    const wide = max / min > 1000 || max > 1e8;
    if (allIntegers) mode = wide ? 'scientific' : 'int';
    else mode = wide || min < 1e-4 ? 'scientific' : 'fixed';
    for (const value of nonzeroFinite) width = Math.max(width, formatValue(value, mode, precision).length);
  }
  return {
    width,
    format: (value) => formatValue(value, mode, precision).padStart(width),
  };
}

function formatValue(value: number, mode: 'int' | 'fixed' | 'scientific', precision: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (mode === 'int') return formatFixed(value, 0) + '.';
  if (mode === 'fixed') return formatFixed(value, precision);
  return formatScientific(value, precision);
}

/** Python's `f"{value:.{precision}f}"` for a finite value. */
function formatFixed(value: number, precision: number): string {
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  const digits = roundScaled(Math.abs(value), precision)
    .toString()
    .padStart(precision + 1, '0');
  if (precision === 0) return sign + digits;
  return `${sign}${digits.slice(0, -precision)}.${digits.slice(-precision)}`;
}

/** Python's `f"{value:.{precision}e}"` for a finite value: `1.2346e+03`, `-5.0000e-07`. */
function formatScientific(value: number, precision: number): string {
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  const magnitude = Math.abs(value);
  let exponent = 0;
  let digits = 0n;
  if (magnitude !== 0) {
    // Estimate the decimal exponent, then correct it if rounding lands outside [10^p, 10^(p+1)).
    exponent = Math.floor(Math.log10(magnitude));
    const lowest = 10n ** BigInt(precision);
    for (;;) {
      digits = roundScaled(magnitude, precision - exponent);
      if (digits >= lowest * 10n) exponent++;
      else if (digits < lowest) exponent--;
      else break;
    }
  }
  const text = digits.toString().padStart(precision + 1, '0');
  const mantissa = precision === 0 ? text : `${text[0]}.${text.slice(1)}`;
  const exponentText = `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return `${sign}${mantissa}e${exponentText}`;
}

const float64View = new DataView(new ArrayBuffer(8));

/** round(magnitude · 10^decimalShift) to the nearest integer, ties to even, computed exactly. */
function roundScaled(magnitude: number, decimalShift: number): bigint {
  // magnitude = mantissa · 2^binaryExponent exactly (IEEE 754 double, finite, >= 0).
  float64View.setFloat64(0, magnitude);
  const high = float64View.getUint32(0);
  const low = float64View.getUint32(4);
  const biasedExponent = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  let binaryExponent = -1074;
  if (biasedExponent !== 0) {
    mantissa |= 1n << 52n;
    binaryExponent = biasedExponent - 1075;
  }
  let numerator = mantissa;
  let denominator = 1n;
  if (binaryExponent >= 0) numerator <<= BigInt(binaryExponent);
  else denominator <<= BigInt(-binaryExponent);
  if (decimalShift >= 0) numerator *= 10n ** BigInt(decimalShift);
  else denominator *= 10n ** BigInt(-decimalShift);
  const quotient = numerator / denominator;
  const twiceRemainder = 2n * (numerator - quotient * denominator);
  if (twiceRemainder > denominator || (twiceRemainder === denominator && (quotient & 1n) === 1n)) {
    return quotient + 1n;
  }
  return quotient;
}
